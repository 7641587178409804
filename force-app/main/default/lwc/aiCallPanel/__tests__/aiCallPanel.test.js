import { createElement } from 'lwc';
import AiCallPanel from 'c/aiCallPanel';
import getCalls from '@salesforce/apex/AiCallPanelController.getCalls';
import getCallsVersion from '@salesforce/apex/AiCallPanelController.getCallsVersion';
import { refreshApex } from '@salesforce/apex';
import { registerSa11yMatcher } from '@sa11y/jest';

const calls = require('./data/calls.json');
const newCall = require('./data/newCall.json');
const getCallsError = require('./data/getCallsError.json');
const unsafeLinks = require('./data/unsafeLinks.json');

// n calls made from the fixture, newest first, each with its own id.
function manyCalls(n) {
    return Array.from({ length: n }, (unused, index) => ({
        ...calls[1],
        id: `a01000000000${String(100 + index).padStart(3, '0')}AAA`,
        name: `CALL-000${100 + index}`
    }));
}

jest.mock(
    '@salesforce/apex/AiCallPanelController.getCalls',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock('@salesforce/apex/AiCallPanelController.getCallsVersion', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), { virtual: true });

const RECORD_ID = '003000000000001AAA';

registerSa11yMatcher();

function createPanel(properties = {}) {
    const element = createElement('c-ai-call-panel', { is: AiCallPanel });
    Object.assign(element, { recordId: RECORD_ID, ...properties });
    document.body.appendChild(element);
    return element;
}

// Lets promise callbacks and the re-render they cause run.
function flushPromises() {
    return new Promise((resolve) => setTimeout(resolve, 0));
}

function query(element, selector) {
    return element.shadowRoot.querySelector(selector);
}

function queryAll(element, selector) {
    return Array.from(element.shadowRoot.querySelectorAll(selector));
}

describe('c-ai-call-panel', () => {
    beforeEach(() => {
        getCallsVersion.mockResolvedValue('2@1000');
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
        jest.useRealTimers();
    });

    it('shows a spinner until the calls arrive', () => {
        const element = createPanel({ pollSeconds: 0 });
        expect(query(element, '[data-id="loading"] lightning-spinner')).not.toBeNull();
        expect(query(element, '[data-id="calls"]')).toBeNull();
    });

    it('asks for the calls of the record it is placed on', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit(calls);
        await flushPromises();
        expect(getCalls.getLastConfig()).toEqual({ recordId: RECORD_ID });
        expect(element.recordId).toBe(RECORD_ID);
    });

    it('says who called, how, why, how it ended, what happens next and when', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit(calls);
        await flushPromises();

        const items = queryAll(element, 'li[data-call-id]');
        expect(items.map((item) => item.dataset.callId)).toEqual(calls.map((call) => call.id));
        const [first, second] = items;
        expect(first.querySelector('[data-field="caller"]').textContent.trim()).toBe('Dana Whitfield');
        expect(first.querySelector('[data-field="direction"]').textContent.trim()).toBe('Inbound call');
        expect(first.querySelector('[data-field="intent"]').textContent).toBe('Reschedule or cancel');
        expect(first.querySelector('[data-field="disposition"]').textContent).toBe('Outcome: Appointment booked');
        expect(first.querySelector('[data-field="summary"]').textContent).toBe(calls[0].summary);
        expect(first.querySelector('[data-field="next-action-text"]').textContent.trim()).toBe(calls[0].nextAction);
        const due = first.querySelector('[data-field="next-action-due"] lightning-formatted-date-time');
        expect(due.value).toBe(calls[0].nextActionDue);
        // A caller the AI could not name, on an outbound call, with no next step.
        expect(second.querySelector('[data-field="caller"]').textContent.trim()).toBe('Unknown caller');
        expect(second.querySelector('[data-field="direction"]').textContent.trim()).toBe('Outbound call');
        expect(second.querySelector('[data-field="next-action"]')).toBeNull();
    });

    it('says the time shown is when the call ended and how long it lasted, in words', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit([calls[0], { ...newCall, endTime: undefined, durationSeconds: 42 }]);
        await flushPromises();

        const [ended, startedOnly] = queryAll(element, 'li[data-call-id]');
        expect(ended.querySelector('[data-field="time-label"]').textContent.trim()).toBe('Ended at');
        expect(ended.querySelector('[data-field="time"]').value).toBe(calls[0].endTime);
        expect(ended.querySelector('[data-field="duration"]').textContent).toBe('lasted 2 min 11 s');
        expect(startedOnly.querySelector('[data-field="time-label"]').textContent.trim()).toBe('Started at');
        expect(startedOnly.querySelector('[data-field="duration"]').textContent).toBe('lasted 42 s');
    });

    it("shows the classifier's confidence in the reason in a neutral colour, whatever its value", async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit(calls);
        await flushPromises();

        const [sure, unsure] = queryAll(element, '[data-field="confidence"]');
        expect(sure.getAttribute('aria-valuenow')).toBe('93');
        expect(sure.getAttribute('aria-valuetext')).toBe('Classifier confidence in this reason: 93%');
        expect(sure.getAttribute('aria-label')).toBe('Classifier confidence in the reason for the call');
        expect(unsure.getAttribute('aria-valuenow')).toBe('42');
        // Same class at 42% as at 93%: no red that would read as a failed call.
        expect(sure.firstChild.className).toBe('confidence-bar');
        expect(unsure.firstChild.className).toBe('confidence-bar');
    });

    it('keeps the outcome pill to its text instead of a stretched column', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit(calls);
        await flushPromises();
        const pill = query(element, '[data-field="disposition"]');
        expect(pill.classList.contains('slds-badge')).toBe(true);
        expect(pill.classList.contains('slds-col')).toBe(false);
    });

    it('offers one way to read the transcript: in place when synced, else the link', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit(calls);
        await flushPromises();

        const [synced, linkOnly] = queryAll(element, 'li[data-call-id]');
        expect(synced.querySelector('[data-field="transcript-toggle"]')).not.toBeNull();
        expect(synced.querySelector('[data-field="transcript-link"]')).toBeNull();
        expect(synced.querySelector('[data-field="recording-link"]').href).toBe(calls[0].recordingUrl);
        expect(linkOnly.querySelector('[data-field="transcript-toggle"]')).toBeNull();
        const link = linkOnly.querySelector('[data-field="transcript-link"]');
        expect(link.href).toBe(calls[1].transcriptUrl);
        expect(link.rel).toContain('noopener');
        expect(link.getAttribute('aria-label')).toBe('Open transcript of CALL-000001, in a new tab');
        expect(linkOnly.querySelector('[data-field="recording-link"]')).toBeNull();
    });

    it('never binds a link that is not https', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit(unsafeLinks);
        await flushPromises();
        const item = query(element, 'li[data-call-id]');
        expect(item.querySelector('[data-field="transcript-link"]')).toBeNull();
        expect(item.querySelector('[data-field="recording-link"]')).toBeNull();
        expect(queryAll(element, 'a[href]')).toHaveLength(0);
    });

    it('expands and collapses a synced transcript', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit(calls);
        await flushPromises();

        const toggle = query(element, '[data-field="transcript-toggle"]');
        const transcript = query(element, '[data-field="transcript"]');
        expect(toggle.getAttribute('aria-expanded')).toBe('false');
        expect(toggle.textContent.trim()).toBe('Show transcript');
        expect(transcript.hidden).toBe(true);

        toggle.click();
        await flushPromises();
        expect(toggle.getAttribute('aria-expanded')).toBe('true');
        expect(toggle.textContent.trim()).toBe('Hide transcript');
        expect(query(element, '[data-field="transcript"]').hidden).toBe(false);
        expect(query(element, '[data-field="transcript"]').textContent).toContain('I need to move my appointment.');

        toggle.click();
        await flushPromises();
        expect(query(element, '[data-field="transcript"]').hidden).toBe(true);
        // The second call has no synced transcript, so it has no toggle.
        expect(queryAll(element, '[data-field="transcript-toggle"]')).toHaveLength(1);
    });

    it('shows the newest calls first and the rest behind View all, in a scrolling list', async () => {
        const element = createPanel({ pollSeconds: 0, visibleCalls: 3 });
        getCalls.emit(manyCalls(8));
        await flushPromises();

        expect(queryAll(element, 'li[data-call-id]')).toHaveLength(3);
        expect(query(element, 'lightning-card').title).toBe('AI Calls (8)');
        const viewAll = query(element, '[data-id="view-all"]');
        expect(viewAll.textContent.trim()).toBe('View all (8)');
        expect(viewAll.getAttribute('aria-expanded')).toBe('false');

        viewAll.click();
        await flushPromises();
        expect(queryAll(element, 'li[data-call-id]')).toHaveLength(8);
        const list = query(element, '[data-id="calls"]');
        expect(list.classList.contains('call-list_all')).toBe(true);
        expect(list.getAttribute('tabindex')).toBe('0');
        expect(viewAll.textContent.trim()).toBe('Show fewer');

        viewAll.click();
        await flushPromises();
        expect(queryAll(element, 'li[data-call-id]')).toHaveLength(3);
    });

    it('says when only the latest 50 calls are listed', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit(manyCalls(50));
        await flushPromises();
        expect(query(element, '[data-id="latest-only"]')).toBeNull();
        query(element, '[data-id="view-all"]').click();
        await flushPromises();
        expect(query(element, '[data-id="latest-only"]').textContent).toBe('Showing the latest 50 calls.');
    });

    it('has no View all when every call fits', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit(calls);
        await flushPromises();
        expect(query(element, '[data-id="view-all"]')).toBeNull();
    });

    it('says so when the record has no calls', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit([]);
        await flushPromises();
        expect(query(element, '[data-id="empty"]').textContent).toBe('No AI calls for this record yet.');
        expect(query(element, '[data-id="calls"]')).toBeNull();
    });

    it('shows the server message when the calls cannot be loaded', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.error(getCallsError.body, getCallsError.status, getCallsError.statusText);
        await flushPromises();
        const error = query(element, '[data-id="error"]');
        expect(error.textContent).toBe('You do not have access to AI calls.');
        expect(error.getAttribute('role')).toBe('alert');
    });

    it('reloads the list when the refresh button is pressed', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit(calls);
        await flushPromises();
        query(element, '[data-id="refresh"]').click();
        await flushPromises();
        expect(refreshApex).toHaveBeenCalledTimes(1);
    });

    it('reloads the list when a new call lands for the record', async () => {
        jest.useFakeTimers();
        const element = createPanel({ pollSeconds: 30 });
        getCalls.emit(calls);
        await Promise.resolve();
        expect(getCallsVersion).toHaveBeenCalledWith({ recordId: RECORD_ID });

        // Same fingerprint: nothing new, no reload.
        await jest.advanceTimersByTimeAsync(30000);
        expect(getCallsVersion).toHaveBeenCalledTimes(2);
        expect(refreshApex).not.toHaveBeenCalled();

        // A call lands: the fingerprint changes and the wire is refreshed with the new list.
        getCallsVersion.mockResolvedValue('3@2000');
        refreshApex.mockImplementation(() => {
            getCalls.emit([newCall, ...calls]);
            return Promise.resolve();
        });
        await jest.advanceTimersByTimeAsync(30000);
        expect(refreshApex).toHaveBeenCalledTimes(1);
        await Promise.resolve();
        const ids = queryAll(element, 'li[data-call-id]').map((item) => item.dataset.callId);
        expect(ids[0]).toBe(newCall.id);
        expect(ids).toHaveLength(3);
    });

    it('stops checking while the browser tab is hidden', async () => {
        jest.useFakeTimers();
        createPanel({ pollSeconds: 30 });
        getCalls.emit(calls);
        await Promise.resolve();
        const checksWhileVisible = getCallsVersion.mock.calls.length;

        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'));
        await jest.advanceTimersByTimeAsync(120000);
        expect(getCallsVersion).toHaveBeenCalledTimes(checksWhileVisible);

        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
        document.dispatchEvent(new Event('visibilitychange'));
        expect(getCallsVersion).toHaveBeenCalledTimes(checksWhileVisible + 1);
    });

    it('keeps the list when a check fails, and checks again later', async () => {
        jest.useFakeTimers();
        getCallsVersion.mockRejectedValueOnce(new Error('offline'));
        const element = createPanel({ pollSeconds: 30 });
        getCalls.emit(calls);
        await jest.advanceTimersByTimeAsync(30000);
        expect(getCallsVersion).toHaveBeenCalledTimes(2);
        expect(refreshApex).not.toHaveBeenCalled();
        expect(queryAll(element, 'li[data-call-id]')).toHaveLength(2);
    });

    it('stops checking when removed from the page', async () => {
        jest.useFakeTimers();
        const element = createPanel({ pollSeconds: 30 });
        document.body.removeChild(element);
        const checks = getCallsVersion.mock.calls.length;
        await jest.advanceTimersByTimeAsync(120000);
        expect(getCallsVersion).toHaveBeenCalledTimes(checks);
    });

    // axe takes seconds per run on a loaded machine: one state per test keeps each under the timeout.
    it('is accessible with calls and a transcript open', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit(calls);
        await flushPromises();
        query(element, '[data-field="transcript-toggle"]').click();
        await flushPromises();
        await expect(element).toBeAccessible();
    });

    it('is accessible when empty', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit([]);
        await flushPromises();
        await expect(element).toBeAccessible();
    });

    it('is accessible in error', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.error(getCallsError.body);
        await flushPromises();
        await expect(element).toBeAccessible();
    });

    it('is accessible with every call listed', async () => {
        const element = createPanel({ pollSeconds: 0, visibleCalls: 2 });
        getCalls.emit(manyCalls(4));
        await flushPromises();
        query(element, '[data-id="view-all"]').click();
        await flushPromises();
        await expect(element).toBeAccessible();
    });
});
