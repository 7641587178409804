import { LightningElement } from 'lwc';
import getStatus from '@salesforce/apex/AiCallSyncSetupController.getStatus';
import startBackfill from '@salesforce/apex/AiCallSyncSetupController.startBackfill';
import { errorMessage, formatLabel } from 'c/callSyncUtils';
import title from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Title';
import refresh from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Refresh';
import loading from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Loading';
import loadError from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Load_Error';
import nextSteps from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Next_Steps';
import subscriber from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Subscriber';
import trigger from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Trigger';
import state from '@salesforce/label/c.AI_Call_Sync_Setup_UI_State';
import noEvents from '@salesforce/label/c.AI_Call_Sync_Setup_UI_No_Events';
import runsAs from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Runs_As';
import automatedProcess from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Automated_Process';
import unknownUser from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Unknown_User';
import lastCall from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Last_Call';
import retries from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Retries';
import lastError from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Last_Error';
import permissionSets from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Permission_Sets';
import permissionSet from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Permission_Set';
import users from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Users';
import handGranted from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Hand_Granted';
import user from '@salesforce/label/c.AI_Call_Sync_Setup_UI_User';
import permission from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Permission';
import status from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Status';
import granted from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Granted';
import missing from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Missing';
import noHandChecks from '@salesforce/label/c.AI_Call_Sync_Setup_UI_No_Hand_Checks';
import phoneKeys from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Phone_Keys';
import leadsWithoutKey from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Leads_Without_Key';
import contactsWithoutKey from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Contacts_Without_Key';
import countCapped from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Count_Capped';
import backfillJob from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Backfill_Job';
import backfillProgress from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Backfill_Progress';
import batches from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Batches';
import noJob from '@salesforce/label/c.AI_Call_Sync_Setup_UI_No_Job';
import fillKeys from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Fill_Keys';
import backfillRunning from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Backfill_Running';
import last24Hours from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Last_24_Hours';
import errorsCount from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Errors_Count';
import time from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Time';
import stage from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Stage';
import callId from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Call_Id';
import message from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Message';
import recentCalls from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Recent_Calls';
import call from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Call';
import syncStatus from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Sync_Status';
import matchMethod from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Match_Method';
import noCalls from '@salesforce/label/c.AI_Call_Sync_Setup_UI_No_Calls';
import noErrors from '@salesforce/label/c.AI_Call_Sync_Setup_UI_No_Errors';
import routingRules from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Routing_Rules';
import routingHelp from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Routing_Help';
import rule from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Rule';
import active from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Active';
import disposition from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Disposition';
import intent from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Intent';
import leadStatus from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Lead_Status';
import callDisposition from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Call_Disposition';
import openCase from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Open_Case';
import followUp from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Follow_Up';
import ownerQueue from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Owner_Queue';
import yes from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Yes';
import no from '@salesforce/label/c.AI_Call_Sync_Setup_UI_No';
import settings from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Settings';
import settingsHelp from '@salesforce/label/c.AI_Call_Sync_Setup_UI_Settings_Help';

const LABELS = {
    title,
    refresh,
    loading,
    loadError,
    nextSteps,
    subscriber,
    trigger,
    state,
    noEvents,
    runsAs,
    automatedProcess,
    unknownUser,
    lastCall,
    retries,
    lastError,
    permissionSets,
    permissionSet,
    users,
    handGranted,
    user,
    permission,
    status,
    granted,
    missing,
    noHandChecks,
    phoneKeys,
    leadsWithoutKey,
    contactsWithoutKey,
    countCapped,
    backfillJob,
    backfillProgress,
    batches,
    noJob,
    fillKeys,
    backfillRunning,
    last24Hours,
    errorsCount,
    time,
    stage,
    callId,
    message,
    recentCalls,
    call,
    syncStatus,
    matchMethod,
    noCalls,
    noErrors,
    routingRules,
    routingHelp,
    rule,
    active,
    disposition,
    intent,
    leadStatus,
    callDisposition,
    openCase,
    followUp,
    ownerQueue,
    yes,
    no,
    settings,
    settingsHelp
};

// While a backfill runs the page asks again this often, so its progress moves on screen.
const BACKFILL_POLL_MS = 5000;

/**
 * The AI Call Sync Setup page, for admins: what to do next in words, then the event trigger and
 * its running user, permission sets and the permissions granted by hand, the phone-key
 * backfill, the last 24 hours, and the routing rules and settings in force.
 */
export default class AiCallSyncSetup extends LightningElement {
    labels = LABELS;
    permissionSetColumns = [
        { label: LABELS.permissionSet, fieldName: 'label' },
        { label: LABELS.users, fieldName: 'users' }
    ];
    handGrantedColumns = [
        { label: LABELS.user, fieldName: 'userName' },
        { label: LABELS.permission, fieldName: 'permission' },
        {
            label: LABELS.status,
            fieldName: 'granted',
            type: 'check',
            trueText: LABELS.granted,
            falseText: LABELS.missing
        }
    ];
    errorColumns = [
        { label: LABELS.time, fieldName: 'createdAt', type: 'datetime' },
        { label: LABELS.stage, fieldName: 'stage' },
        { label: LABELS.callId, fieldName: 'callId' },
        { label: LABELS.message, fieldName: 'message' }
    ];
    recentCallColumns = [
        { label: LABELS.call, fieldName: 'name' },
        { label: LABELS.syncStatus, fieldName: 'syncStatus' },
        { label: LABELS.matchMethod, fieldName: 'matchMethod' },
        { label: LABELS.time, fieldName: 'processedAt', type: 'datetime' }
    ];
    ruleColumns = [
        { label: LABELS.rule, fieldName: 'name' },
        { label: LABELS.active, fieldName: 'activeText' },
        { label: LABELS.disposition, fieldName: 'disposition' },
        { label: LABELS.intent, fieldName: 'intent' },
        { label: LABELS.leadStatus, fieldName: 'leadStatus' },
        { label: LABELS.callDisposition, fieldName: 'callDisposition' },
        { label: LABELS.openCase, fieldName: 'openCaseText' },
        { label: LABELS.followUp, fieldName: 'followUp' },
        { label: LABELS.ownerQueue, fieldName: 'ownerQueue' }
    ];
    status;
    error;
    actionError;
    starting = false;
    timerId;

    connectedCallback() {
        this.load();
    }

    disconnectedCallback() {
        this.stopPolling();
    }

    async load() {
        try {
            this.show(await getStatus());
        } catch (error) {
            this.error = error;
        }
    }

    show(status) {
        this.status = status;
        this.error = undefined;
        if (status.backfill && status.backfill.running) {
            this.startPolling();
        } else {
            this.stopPolling();
        }
    }

    async handleStartBackfill() {
        this.starting = true;
        this.actionError = undefined;
        try {
            this.show(await startBackfill());
        } catch (error) {
            this.actionError = errorMessage(error, LABELS.loadError);
        } finally {
            this.starting = false;
        }
    }

    handleRefresh() {
        return this.load();
    }

    startPolling() {
        if (this.timerId) {
            return;
        }
        // Polling is the point here: the backfill's progress lives in AsyncApexJob, which sends no
        // event to the page. The timer stops when the job ends and when the page is removed.
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.timerId = setInterval(() => this.load(), BACKFILL_POLL_MS);
    }

    stopPolling() {
        if (this.timerId) {
            clearInterval(this.timerId);
            this.timerId = undefined;
        }
    }

    get isLoading() {
        return !this.status && !this.error;
    }

    get errorText() {
        return errorMessage(this.error, LABELS.loadError);
    }

    get subscriber() {
        return this.status.subscriber;
    }

    get stateText() {
        return this.subscriber.subscribed ? this.subscriber.state : LABELS.noEvents;
    }

    get runsAsText() {
        if (this.subscriber.runsAsAutomatedProcess) {
            return LABELS.automatedProcess;
        }
        return this.subscriber.runningUserName || LABELS.unknownUser;
    }

    get hasHandChecks() {
        return this.status.handGranted.length > 0;
    }

    get backfill() {
        return this.status.backfill;
    }

    get leadsWithoutKeyText() {
        return this.countText(this.backfill.leadsWithoutKey);
    }

    get contactsWithoutKeyText() {
        return this.countText(this.backfill.contactsWithoutKey);
    }

    countText(count) {
        return count >= this.backfill.countCap
            ? formatLabel(LABELS.countCapped, this.backfill.countCap)
            : String(count);
    }

    get hasJob() {
        return Boolean(this.backfill.jobStatus);
    }

    get batchesText() {
        return formatLabel(
            LABELS.batches,
            this.backfill.batchesProcessed || 0,
            this.backfill.batchesTotal || 0,
            this.backfill.batchErrors || 0
        );
    }

    get progressPercent() {
        const total = this.backfill.batchesTotal || 0;
        if (this.backfill.jobStatus === 'Completed') {
            return 100;
        }
        return total > 0 ? Math.round(((this.backfill.batchesProcessed || 0) * 100) / total) : 0;
    }

    get fillDisabled() {
        return this.starting || this.backfill.running || !this.backfill.mayRun;
    }

    get errorsCountText() {
        return formatLabel(LABELS.errorsCount, this.status.errorsLast24Hours);
    }

    get hasRecentErrors() {
        return this.status.recentErrors.length > 0;
    }

    get hasRecentCalls() {
        return this.status.recentCalls.length > 0;
    }

    get settings() {
        return this.status.settings.map((setting) => ({
            ...setting,
            labelKey: `label-${setting.label}`,
            valueKey: `value-${setting.label}`
        }));
    }

    get rules() {
        return this.status.routingRules.map((rule, index) => ({
            ...rule,
            key: `${index}-${rule.name}`,
            activeText: rule.active ? LABELS.yes : LABELS.no,
            openCaseText: rule.openCase ? LABELS.yes : LABELS.no
        }));
    }
}
