import { LightningElement, api, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import getCalls from '@salesforce/apex/AiCallPanelController.getCalls';
import getCallsVersion from '@salesforce/apex/AiCallPanelController.getCallsVersion';
import { errorMessage, formatLabel, httpsOnly } from 'c/callSyncUtils';
import title from '@salesforce/label/c.AI_Call_Panel_Title';
import titleCount from '@salesforce/label/c.AI_Call_Panel_Title_Count';
import refresh from '@salesforce/label/c.AI_Call_Panel_Refresh';
import loading from '@salesforce/label/c.AI_Call_Panel_Loading';
import empty from '@salesforce/label/c.AI_Call_Panel_Empty';
import loadError from '@salesforce/label/c.AI_Call_Panel_Load_Error';
import listLabel from '@salesforce/label/c.AI_Call_Panel_List_Label';
import unknownCaller from '@salesforce/label/c.AI_Call_Panel_Unknown_Caller';
import inbound from '@salesforce/label/c.AI_Call_Panel_Inbound';
import outbound from '@salesforce/label/c.AI_Call_Panel_Outbound';
import calledAbout from '@salesforce/label/c.AI_Call_Panel_Called_About';
import unknownIntent from '@salesforce/label/c.AI_Call_Panel_Unknown_Intent';
import outcome from '@salesforce/label/c.AI_Call_Panel_Outcome';
import noOutcome from '@salesforce/label/c.AI_Call_Panel_No_Outcome';
import confidence from '@salesforce/label/c.AI_Call_Panel_Confidence';
import confidenceMeter from '@salesforce/label/c.AI_Call_Panel_Confidence_Meter';
import nextStep from '@salesforce/label/c.AI_Call_Panel_Next_Step';
import due from '@salesforce/label/c.AI_Call_Panel_Due';
import endedAt from '@salesforce/label/c.AI_Call_Panel_Ended_At';
import startedAt from '@salesforce/label/c.AI_Call_Panel_Started_At';
import lastedMinutes from '@salesforce/label/c.AI_Call_Panel_Lasted_Minutes';
import lastedSeconds from '@salesforce/label/c.AI_Call_Panel_Lasted_Seconds';
import showTranscript from '@salesforce/label/c.AI_Call_Panel_Show_Transcript';
import hideTranscript from '@salesforce/label/c.AI_Call_Panel_Hide_Transcript';
import openTranscript from '@salesforce/label/c.AI_Call_Panel_Open_Transcript';
import openTranscriptOf from '@salesforce/label/c.AI_Call_Panel_Open_Transcript_Of';
import recording from '@salesforce/label/c.AI_Call_Panel_Recording';
import openRecordingOf from '@salesforce/label/c.AI_Call_Panel_Open_Recording_Of';
import viewAll from '@salesforce/label/c.AI_Call_Panel_View_All';
import showFewer from '@salesforce/label/c.AI_Call_Panel_Show_Fewer';
import latestOnly from '@salesforce/label/c.AI_Call_Panel_Latest_Only';

const LABELS = {
    title,
    titleCount,
    refresh,
    loading,
    empty,
    loadError,
    listLabel,
    unknownCaller,
    inbound,
    outbound,
    calledAbout,
    unknownIntent,
    outcome,
    noOutcome,
    confidence,
    confidenceMeter,
    nextStep,
    due,
    endedAt,
    startedAt,
    lastedMinutes,
    lastedSeconds,
    showTranscript,
    hideTranscript,
    openTranscript,
    openTranscriptOf,
    recording,
    openRecordingOf,
    viewAll,
    showFewer,
    latestOnly
};

// How the panel learns that a call landed: it asks the server for a cheap fingerprint of the
// record's calls (count and last change) every pollSeconds while the browser tab is visible,
// and reloads the list only when the fingerprint changes. A streaming subscription (empApi on
// Call_Event__e or on AI_Call__c change events) would count every delivered event against the
// org's daily event delivery allocation once per open panel: fifty reps with a panel open and
// a thousand calls a day is fifty thousand deliveries, the whole allocation of many editions.
// Polling a hidden tab costs nothing and a visible one costs one small Apex call per interval.
const DEFAULT_POLL_SECONDS = 30;
// Calls shown before "View all": enough for a glance on a record page, short enough that the
// panel does not push the rest of the page down. The server sends at most MAX_CALLS.
const DEFAULT_VISIBLE_CALLS = 5;
const MAX_CALLS = 50;

export default class AiCallPanel extends LightningElement {
    @api recordId;
    @api pollSeconds = DEFAULT_POLL_SECONDS;
    @api visibleCalls = DEFAULT_VISIBLE_CALLS;

    labels = LABELS;
    calls;
    error;
    expandedIds = new Set();
    showAll = false;
    wiredCallsResult;
    knownVersion;
    timerId;
    visibilityHandler;

    @wire(getCalls, { recordId: '$recordId' })
    wiredCalls(result) {
        this.wiredCallsResult = result;
        if (result.data) {
            this.calls = result.data;
            this.error = undefined;
        } else if (result.error) {
            this.error = result.error;
            this.calls = undefined;
        }
    }

    connectedCallback() {
        this.visibilityHandler = () => this.onVisibilityChange();
        document.addEventListener('visibilitychange', this.visibilityHandler);
        this.startPolling();
    }

    disconnectedCallback() {
        document.removeEventListener('visibilitychange', this.visibilityHandler);
        this.stopPolling();
    }

    get isLoading() {
        return !this.calls && !this.error;
    }

    get hasCalls() {
        return Array.isArray(this.calls) && this.calls.length > 0;
    }

    get isEmpty() {
        return Array.isArray(this.calls) && this.calls.length === 0;
    }

    get errorMessage() {
        return errorMessage(this.error, LABELS.loadError);
    }

    get cardTitle() {
        return this.hasCalls ? formatLabel(LABELS.titleCount, this.calls.length) : LABELS.title;
    }

    get visibleLimit() {
        const limit = Number(this.visibleCalls);
        return limit > 0 ? Math.floor(limit) : DEFAULT_VISIBLE_CALLS;
    }

    get hasMore() {
        return this.hasCalls && this.calls.length > this.visibleLimit;
    }

    get moreToggleLabel() {
        return this.showAll ? LABELS.showFewer : formatLabel(LABELS.viewAll, this.calls.length);
    }

    get isTruncatedByServer() {
        return this.showAll && this.hasCalls && this.calls.length >= MAX_CALLS;
    }

    get latestOnlyText() {
        return formatLabel(LABELS.latestOnly, MAX_CALLS);
    }

    get listClass() {
        // Showing every call, the list scrolls inside the card instead of stretching the page.
        return this.showAll
            ? 'slds-has-dividers_bottom-space call-list call-list_all'
            : 'slds-has-dividers_bottom-space';
    }

    get listTabIndex() {
        // A scrolling region must be reachable by keyboard.
        return this.showAll ? '0' : undefined;
    }

    get rows() {
        const calls = this.calls || [];
        const shown = this.showAll ? calls : calls.slice(0, this.visibleLimit);
        return shown.map((call) => toRow(call, this.expandedIds.has(call.id)));
    }

    handleToggleTranscript(event) {
        const id = event.currentTarget.dataset.id;
        const expanded = new Set(this.expandedIds);
        if (expanded.has(id)) {
            expanded.delete(id);
        } else {
            expanded.add(id);
        }
        this.expandedIds = expanded;
    }

    handleToggleAll() {
        this.showAll = !this.showAll;
    }

    handleRefresh() {
        return this.reload();
    }

    /** Reloads the list when the server's fingerprint differs from the last one seen. */
    async checkForNewCalls() {
        if (!this.recordId) {
            return;
        }
        try {
            const version = await getCallsVersion({ recordId: this.recordId });
            const changed = this.knownVersion !== undefined && version !== this.knownVersion;
            this.knownVersion = version;
            if (changed) {
                await this.reload();
            }
        } catch (error) {
            // A failed check is retried at the next interval; the list on screen stays valid.
            this.knownVersion = undefined;
        }
    }

    reload() {
        return this.wiredCallsResult ? refreshApex(this.wiredCallsResult) : Promise.resolve();
    }

    startPolling() {
        const seconds = Number(this.pollSeconds);
        if (this.timerId || !(seconds > 0) || document.visibilityState === 'hidden') {
            return;
        }
        this.checkForNewCalls();
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.timerId = setInterval(() => this.checkForNewCalls(), seconds * 1000);
    }

    stopPolling() {
        if (this.timerId) {
            clearInterval(this.timerId);
            this.timerId = undefined;
        }
    }

    onVisibilityChange() {
        if (document.visibilityState === 'hidden') {
            this.stopPolling();
        } else {
            this.startPolling();
        }
    }
}

/** What one call shows: who called and how, why, how it ended, what happens next and when. */
function toRow(call, expanded) {
    const confidence = typeof call.intentConfidence === 'number' ? Math.round(call.intentConfidence * 100) : null;
    const transcriptUrl = httpsOnly(call.transcriptUrl);
    const hasTranscript = Boolean(call.transcript);
    return {
        ...call,
        callerText: call.callerName || LABELS.unknownCaller,
        directionText: directionText(call.direction),
        directionIcon: call.direction === 'Outbound' ? 'utility:outbound_call' : 'utility:incoming_call',
        intentText: call.intentLabel || call.intent || LABELS.unknownIntent,
        dispositionText: call.dispositionLabel || call.disposition || LABELS.noOutcome,
        hasConfidence: confidence !== null,
        confidencePercent: confidence,
        confidenceText: confidence === null ? '' : formatLabel(LABELS.confidence, confidence),
        confidenceStyle: confidence === null ? '' : `width: ${confidence}%`,
        hasNextAction: Boolean(call.nextAction),
        timeLabel: call.endTime ? LABELS.endedAt : LABELS.startedAt,
        time: call.endTime || call.startTime,
        hasTime: Boolean(call.endTime || call.startTime),
        durationText: formatDuration(call.durationSeconds),
        // One way to read the transcript: in place when it was synced, else the relay's page.
        hasTranscript,
        transcriptLink: hasTranscript ? undefined : transcriptUrl,
        recordingUrl: httpsOnly(call.recordingUrl),
        transcriptExpanded: expanded,
        transcriptCollapsed: !expanded,
        transcriptToggleLabel: expanded ? LABELS.hideTranscript : LABELS.showTranscript,
        transcriptRegionId: `transcript-${call.id}`,
        transcriptLinkLabel: formatLabel(LABELS.openTranscriptOf, call.name),
        recordingLinkLabel: formatLabel(LABELS.openRecordingOf, call.name)
    };
}

function directionText(direction) {
    if (direction === 'Inbound') {
        return LABELS.inbound;
    }
    if (direction === 'Outbound') {
        return LABELS.outbound;
    }
    return direction || '';
}

/** "lasted 1 min 15 s": a clock-like "1:15" next to a time of day reads as another time. */
function formatDuration(seconds) {
    if (typeof seconds !== 'number' || seconds < 0) {
        return '';
    }
    const total = Math.round(seconds);
    const minutes = Math.floor(total / 60);
    const rest = total % 60;
    return minutes > 0 ? formatLabel(LABELS.lastedMinutes, minutes, rest) : formatLabel(LABELS.lastedSeconds, rest);
}
