import { createElement } from 'lwc';
import AiCallPanel from 'c/aiCallPanel';
import getCalls from '@salesforce/apex/AiCallPanelController.getCalls';
import getCallsVersion from '@salesforce/apex/AiCallPanelController.getCallsVersion';
import { refreshApex } from '@salesforce/apex';
import { registerSa11yMatcher } from '@sa11y/jest';

const calls = require('./data/calls.json');
const newCall = require('./data/newCall.json');
const getCallsError = require('./data/getCallsError.json');

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

    it('lists each call, newest first, with intent, confidence, disposition, duration and summary', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit(calls);
        await flushPromises();

        const items = queryAll(element, 'li[data-call-id]');
        expect(items.map((item) => item.dataset.callId)).toEqual(calls.map((call) => call.id));
        const first = items[0];
        expect(first.querySelector('[data-field="intent"]').textContent).toBe('Reschedule or cancel');
        expect(first.querySelector('[data-field="disposition"]').textContent).toBe('Appointment booked');
        expect(first.querySelector('[data-field="summary"]').textContent).toBe(calls[0].summary);
        expect(first.querySelector('[data-field="duration"]').textContent).toContain('2:11');
        const meter = first.querySelector('[data-field="confidence"]');
        expect(meter.getAttribute('aria-valuenow')).toBe('93');
        expect(meter.getAttribute('aria-valuetext')).toBe('93% confidence');
        expect(meter.firstChild.className).toContain('confidence-high');
        expect(items[1].querySelector('[data-field="confidence"]').firstChild.className).toContain('confidence-low');
    });

    it('links the transcript and the recording only when the call has them', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit(calls);
        await flushPromises();

        const [withBoth, withTranscriptOnly] = queryAll(element, 'li[data-call-id]');
        expect(withBoth.querySelector('[data-field="transcript-link"]').href).toBe(calls[0].transcriptUrl);
        expect(withBoth.querySelector('[data-field="recording-link"]').href).toBe(calls[0].recordingUrl);
        expect(withTranscriptOnly.querySelector('[data-field="transcript-link"]')).not.toBeNull();
        expect(withTranscriptOnly.querySelector('[data-field="recording-link"]')).toBeNull();
        expect(withBoth.querySelector('[data-field="transcript-link"]').rel).toContain('noopener');
    });

    it('expands and collapses a synced transcript', async () => {
        const element = createPanel({ pollSeconds: 0 });
        getCalls.emit(calls);
        await flushPromises();

        const toggle = query(element, '[data-field="transcript-toggle"]');
        const transcript = query(element, '[data-field="transcript"]');
        expect(toggle.getAttribute('aria-expanded')).toBe('false');
        expect(transcript.hidden).toBe(true);

        toggle.click();
        await flushPromises();
        expect(toggle.getAttribute('aria-expanded')).toBe('true');
        expect(query(element, '[data-field="transcript"]').hidden).toBe(false);
        expect(query(element, '[data-field="transcript"]').textContent).toContain('I need to move my appointment.');

        toggle.click();
        await flushPromises();
        expect(query(element, '[data-field="transcript"]').hidden).toBe(true);
        // The second call has no synced transcript, so it has no toggle.
        expect(queryAll(element, '[data-field="transcript-toggle"]')).toHaveLength(1);
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

    it('is accessible with calls, empty and in error', async () => {
        const withCalls = createPanel({ pollSeconds: 0 });
        getCalls.emit(calls);
        await flushPromises();
        query(withCalls, '[data-field="transcript-toggle"]').click();
        await flushPromises();
        await expect(withCalls).toBeAccessible();

        document.body.removeChild(withCalls);
        const empty = createPanel({ pollSeconds: 0 });
        getCalls.emit([]);
        await flushPromises();
        await expect(empty).toBeAccessible();

        document.body.removeChild(empty);
        const failed = createPanel({ pollSeconds: 0 });
        getCalls.error(getCallsError.body);
        await flushPromises();
        await expect(failed).toBeAccessible();
    });
});
