import { createElement } from 'lwc';
import AiCallSyncSetup from 'c/aiCallSyncSetup';
import getStatus from '@salesforce/apex/AiCallSyncSetupController.getStatus';
import startBackfill from '@salesforce/apex/AiCallSyncSetupController.startBackfill';
import { registerSa11yMatcher } from '@sa11y/jest';

const status = require('./data/status.json');
const statusBackfillRunning = require('./data/statusBackfillRunning.json');

jest.mock('@salesforce/apex/AiCallSyncSetupController.getStatus', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/AiCallSyncSetupController.startBackfill', () => ({ default: jest.fn() }), {
    virtual: true
});

registerSa11yMatcher();

function createPage() {
    const element = createElement('c-ai-call-sync-setup', { is: AiCallSyncSetup });
    document.body.appendChild(element);
    return element;
}

function flushPromises() {
    return new Promise((resolve) => setTimeout(resolve, 0));
}

const query = (element, selector) => element.shadowRoot.querySelector(selector);
const queryAll = (element, selector) => Array.from(element.shadowRoot.querySelectorAll(selector));
const text = (node) => node.textContent.replace(/\s+/g, ' ').trim();
const cells = (row) => Array.from(row.children).map(text).join(' | ');
// The rows of one of the page's tables (c-ai-call-sync-table renders them in its own shadow root).
const tableRows = (element, id) => {
    const table = query(element, `[data-id="${id}"]`);
    return table ? Array.from(table.shadowRoot.querySelectorAll('tbody tr')) : [];
};

describe('c-ai-call-sync-setup', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
        jest.useRealTimers();
    });

    it('shows a spinner until the status arrives', () => {
        getStatus.mockReturnValue(new Promise(() => {}));
        const element = createPage();
        expect(query(element, '[data-id="loading"] lightning-spinner')).not.toBeNull();
    });

    it('says in words what the admin must do next, in order', async () => {
        getStatus.mockResolvedValue(status);
        const element = createPage();
        await flushPromises();
        const steps = queryAll(element, '[data-id="next-steps"] li').map(text);
        expect(steps).toEqual(status.nextSteps);
        expect(query(element, '[data-id="next-steps"]').tagName).toBe('OL');
    });

    it('shows the trigger, its state and which user it runs as', async () => {
        getStatus.mockResolvedValue(status);
        const element = createPage();
        await flushPromises();
        expect(text(query(element, '[data-field="trigger"]'))).toBe('acs__CallEventTrigger');
        expect(text(query(element, '[data-field="state"]'))).toBe('Running');
        expect(text(query(element, '[data-field="runs-as"]'))).toBe(
            'the Automated Process user: no subscriber config is in force'
        );
    });

    it('says when no event has reached the trigger and the user is not known yet', async () => {
        getStatus.mockResolvedValue({
            ...status,
            subscriber: { triggerName: 'CallEventTrigger', subscribed: false, runsAsAutomatedProcess: false }
        });
        const element = createPage();
        await flushPromises();
        expect(text(query(element, '[data-field="state"]'))).toBe('No event received yet');
        expect(text(query(element, '[data-field="runs-as"]'))).toBe('not known before the first call');
    });

    it('lists the permission sets with their users and checks what is granted by hand', async () => {
        getStatus.mockResolvedValue(status);
        const element = createPage();
        await flushPromises();
        const sets = tableRows(element, 'permission-sets').map(cells);
        expect(sets).toEqual([
            'AI Call Sync Admin | 2',
            'AI Call Sync Rep | 0',
            'AI Call Sync Subscriber | 1',
            'AI Call Sync Integration | 1'
        ]);
        const [apiEnabled] = tableRows(element, 'hand-granted');
        expect(cells(apiEnabled)).toBe('Relay API | API Enabled | Missing');
        expect(apiEnabled.querySelector('lightning-icon').iconName).toBe('utility:warning');
    });

    it('explains when no hand-granted permission can be checked yet', async () => {
        getStatus.mockResolvedValue({ ...status, handGranted: [] });
        const element = createPage();
        await flushPromises();
        expect(query(element, '[data-id="hand-granted"]')).toBeNull();
        expect(text(query(element, '[data-id="no-hand-checks"]'))).toContain('AI Call Sync Integration');
    });

    it('counts the records without a phone key, saying when a count stopped at its cap', async () => {
        getStatus.mockResolvedValue(status);
        const element = createPage();
        await flushPromises();
        expect(text(query(element, '[data-field="leads-without-key"]'))).toBe('1240');
        expect(text(query(element, '[data-field="contacts-without-key"]'))).toBe('10000 or more');
        expect(text(query(element, '[data-field="job"]'))).toBe('No backfill has run yet.');
        expect(query(element, '[data-id="progress"]')).toBeNull();
    });

    it('starts the backfill and follows its progress until it ends', async () => {
        jest.useFakeTimers();
        getStatus.mockResolvedValue(status);
        startBackfill.mockResolvedValue(statusBackfillRunning);
        const element = createPage();
        await jest.advanceTimersByTimeAsync(0);

        const button = query(element, '[data-id="fill-keys"]');
        expect(button.disabled).toBe(false);
        button.click();
        await jest.advanceTimersByTimeAsync(0);
        expect(startBackfill).toHaveBeenCalledTimes(1);
        expect(text(query(element, '[data-field="job"]'))).toBe('Processing: 3 of 12 batches done, 0 failed');
        expect(query(element, '[data-id="progress"]').value).toBe(25);
        expect(query(element, '[data-id="running"]').getAttribute('role')).toBe('status');
        expect(query(element, '[data-id="fill-keys"]').disabled).toBe(true);

        // While it runs the page asks again every 5 s; once it has ended, it stops asking.
        const finished = {
            ...statusBackfillRunning,
            backfill: {
                ...statusBackfillRunning.backfill,
                running: false,
                jobStatus: 'Completed',
                batchesProcessed: 12
            }
        };
        getStatus.mockResolvedValue(finished);
        const callsBefore = getStatus.mock.calls.length;
        await jest.advanceTimersByTimeAsync(5000);
        expect(getStatus).toHaveBeenCalledTimes(callsBefore + 1);
        expect(query(element, '[data-id="progress"]').value).toBe(100);
        expect(query(element, '[data-id="running"]')).toBeNull();
        await jest.advanceTimersByTimeAsync(30000);
        expect(getStatus).toHaveBeenCalledTimes(callsBefore + 1);
    });

    it('shows why a start was refused', async () => {
        getStatus.mockResolvedValue(status);
        startBackfill.mockRejectedValue({ body: { message: 'A phone key backfill is already running.' } });
        const element = createPage();
        await flushPromises();
        query(element, '[data-id="fill-keys"]').click();
        await flushPromises();
        const refusal = query(element, '[data-id="action-error"]');
        expect(text(refusal)).toBe('A phone key backfill is already running.');
        expect(refusal.getAttribute('role')).toBe('alert');
    });

    it('shows the errors and calls of the last 24 hours', async () => {
        getStatus.mockResolvedValue(status);
        const element = createPage();
        await flushPromises();
        expect(text(query(element, '[data-id="errors-count"]'))).toBe('Sync errors in the last 24 hours: 2');
        expect(tableRows(element, 'errors')).toHaveLength(2);
        const calls = tableRows(element, 'recent-calls');
        expect(calls.map((row) => text(row.querySelector('td')))).toEqual(['CALL-000002', 'CALL-000001']);
    });

    it('shows the routing rules and settings in force', async () => {
        getStatus.mockResolvedValue(status);
        const element = createPage();
        await flushPromises();
        const rules = tableRows(element, 'rules');
        expect(rules).toHaveLength(2);
        expect(text(rules[1])).toContain('support_request');
        expect(text(rules[1])).toContain('Yes');
        const settings = queryAll(element, '[data-id="settings"] dd').map(text);
        expect(settings).toEqual(['1', '0.8', '(not set)']);
    });

    it('shows the server message when the page may not be opened', async () => {
        getStatus.mockRejectedValue({
            body: { message: 'The AI Call Sync Setup page needs the AI Call Sync Admin permission set.' }
        });
        const element = createPage();
        await flushPromises();
        const error = query(element, '[data-id="error"]');
        expect(text(error)).toBe('The AI Call Sync Setup page needs the AI Call Sync Admin permission set.');
        expect(error.getAttribute('role')).toBe('alert');
    });

    // axe over the whole page takes seconds on a loaded machine.
    it('is accessible', async () => {
        getStatus.mockResolvedValue(status);
        const element = createPage();
        await flushPromises();
        await expect(element).toBeAccessible();
    }, 30000);
});
