import { LightningElement, api, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import getCalls from '@salesforce/apex/AiCallPanelController.getCalls';
import getCallsVersion from '@salesforce/apex/AiCallPanelController.getCallsVersion';

// How the panel learns that a call landed: it asks the server for a cheap fingerprint of the
// record's calls (count and last change) every pollSeconds while the browser tab is visible,
// and reloads the list only when the fingerprint changes. A streaming subscription (empApi on
// Call_Event__e or on AI_Call__c change events) would count every delivered event against the
// org's daily event delivery allocation once per open panel: fifty reps with a panel open and
// a thousand calls a day is fifty thousand deliveries, the whole allocation of many editions.
// Polling a hidden tab costs nothing and a visible one costs one small Apex call per interval.
const DEFAULT_POLL_SECONDS = 30;

export default class AiCallPanel extends LightningElement {
    @api recordId;
    @api pollSeconds = DEFAULT_POLL_SECONDS;

    calls;
    error;
    expandedIds = new Set();
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
        const body = this.error && this.error.body;
        if (Array.isArray(body)) {
            return body.map((entry) => entry.message).join(', ');
        }
        return (body && body.message) || (this.error && this.error.message) || 'The calls could not be loaded.';
    }

    get cardTitle() {
        return this.hasCalls ? `AI Calls (${this.calls.length})` : 'AI Calls';
    }

    get rows() {
        return (this.calls || []).map((call) => {
            const expanded = this.expandedIds.has(call.id);
            const confidence =
                typeof call.intentConfidence === 'number' ? Math.round(call.intentConfidence * 100) : null;
            return {
                ...call,
                intentText: call.intentLabel || call.intent || 'Unknown intent',
                dispositionText: call.dispositionLabel || call.disposition || 'No outcome',
                hasConfidence: confidence !== null,
                confidencePercent: confidence,
                confidenceText: confidence === null ? '' : `${confidence}% confidence`,
                confidenceStyle: confidence === null ? '' : `width: ${confidence}%`,
                confidenceClass: `confidence-bar ${confidence >= 80 ? 'confidence-high' : confidence >= 50 ? 'confidence-medium' : 'confidence-low'}`,
                durationText: formatDuration(call.durationSeconds),
                time: call.endTime || call.startTime,
                hasTranscript: Boolean(call.transcript),
                transcriptExpanded: expanded,
                transcriptCollapsed: !expanded,
                transcriptToggleLabel: expanded ? 'Hide transcript' : 'Show transcript',
                transcriptRegionId: `transcript-${call.id}`,
                transcriptLinkLabel: `Open the transcript of ${call.name}`,
                recordingLinkLabel: `Open the recording of ${call.name}`
            };
        });
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

function formatDuration(seconds) {
    if (typeof seconds !== 'number' || seconds < 0) {
        return '';
    }
    const minutes = Math.floor(seconds / 60);
    const rest = Math.round(seconds % 60);
    return `${minutes}:${String(rest).padStart(2, '0')}`;
}
