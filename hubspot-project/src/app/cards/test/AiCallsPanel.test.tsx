import { describe, expect, it } from 'vitest';
import {
  Button,
  EmptyState,
  ErrorState,
  Link,
  LoadingSpinner,
  Tag,
  Text,
  Tile,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { AiCallsPanel, callsUrl, formatDuration, loadCalls } from '../AiCallsPanel.tsx';
import type { Fetcher } from '../AiCallsPanel.tsx';
import type { CardCall } from '../calls-response.ts';

const RELAY = 'https://relay.test';

const booked: CardCall = {
  callId: 'CA0001',
  startedAt: '2026-03-02T15:04:00.000Z',
  durationSeconds: 187,
  intent: 'book_appointment',
  intentLabel: 'Book appointment',
  intentConfidence: 0.92,
  disposition: 'appointment_booked',
  dispositionLabel: 'Appointment booked',
  summary: 'Asked: a cleaning next week\nSaid: booked Tuesday 10am\nNext step: None',
  transcriptUrl: 'https://relay.test/t/CA0001?sig=abc',
  recordingUrl: null,
};

const voicemail: CardCall = {
  ...booked,
  callId: 'CA0002',
  startedAt: '2026-03-01T09:00:00.000Z',
  durationSeconds: 42,
  intent: null,
  intentLabel: null,
  intentConfidence: null,
  disposition: 'voicemail',
  dispositionLabel: 'Voicemail',
  summary: null,
  transcriptUrl: null,
  recordingUrl: 'https://relay.test/r/CA0002?sig=def',
};

type Recorded = { url: string; options?: Parameters<Fetcher>[1] };

/** A fetcher that answers like the relay would and records what it was asked. */
function relayAnswering(respond: () => Promise<Response>) {
  const requests: Recorded[] = [];
  const fetcher: Fetcher = (url, options) => {
    requests.push({ url, options });
    return respond();
  };
  return { fetcher, requests };
}

const json = (body: unknown, status = 200) =>
  Promise.resolve(
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  );

const logged: string[] = [];

function renderPanel(fetcher: Fetcher, objectTypeId = '0-1', objectId: number | string = 51, locale = 'en-US') {
  const renderer = createRenderer('crm.record.tab');
  renderer.render(
    <AiCallsPanel
      fetcher={fetcher}
      relayUrl={RELAY}
      objectTypeId={objectTypeId}
      objectId={objectId}
      timeZone="America/New_York"
      locale={locale}
      log={(message) => logged.push(message)}
    />,
  );
  return renderer;
}

describe('AiCallsPanel', () => {
  it('shows a spinner while the relay has not answered', () => {
    const { fetcher } = relayAnswering(() => new Promise<Response>(() => {}));
    const { findByTestId, maybeFind } = renderPanel(fetcher);
    expect(findByTestId(LoadingSpinner, 'ai-calls-loading').props.label).toBe('Loading AI calls');
    expect(maybeFind(Tile)).toBeNull();
  });

  it('asks the relay for the open record by object type and id', async () => {
    const { fetcher, requests } = relayAnswering(() => json({ calls: [] }));
    const { waitFor, findByTestId } = renderPanel(fetcher, '0-3', 9001);
    await waitFor(() => expect(findByTestId(EmptyState, 'ai-calls-empty')).toBeTruthy());
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe('https://relay.test/hubspot/card/calls?objectType=deals&objectId=9001');
    expect(requests[0]?.options?.method).toBe('GET');
  });

  it('shows the empty state when the record has no AI calls', async () => {
    const { fetcher } = relayAnswering(() => json({ calls: [] }));
    const { waitFor, findByTestId, maybeFind } = renderPanel(fetcher);
    await waitFor(() =>
      expect(findByTestId(EmptyState, 'ai-calls-empty').props.title).toBe('No AI calls yet'),
    );
    expect(maybeFind(Tile)).toBeNull();
  });

  it('lists each call with time, duration, intent and confidence, outcome, summary and links', async () => {
    const { fetcher } = relayAnswering(() => json({ calls: [booked, voicemail] }));
    const { waitFor, findAll, findByTestId, maybeFindByTestId } = renderPanel(fetcher);
    await waitFor(() => expect(findAll(Tile)).toHaveLength(2));

    expect(findByTestId(Text, 'call-CA0001-time').text).toBe('Mar 2, 2026, 10:04 AM');
    expect(findByTestId(Text, 'call-CA0001-duration').text).toBe('3:07');
    expect(findByTestId(Tag, 'call-CA0001-intent').text).toBe('Book appointment (92%)');
    expect(findByTestId(Tag, 'call-CA0001-disposition').text).toBe('Appointment booked');
    expect(findByTestId(Text, 'call-CA0001-summary').text).toContain('booked Tuesday 10am');
    expect(findByTestId(Link, 'call-CA0001-transcript').props.href).toEqual({
      url: booked.transcriptUrl,
      external: true,
    });
    expect(maybeFindByTestId(Link, 'call-CA0001-recording')).toBeNull();

    // A call without analysis or summary shows what it has and nothing invented.
    expect(maybeFindByTestId(Tag, 'call-CA0002-intent')).toBeNull();
    expect(maybeFindByTestId(Text, 'call-CA0002-summary')).toBeNull();
    expect(maybeFindByTestId(Link, 'call-CA0002-transcript')).toBeNull();
    expect(findByTestId(Link, 'call-CA0002-recording').props.href).toEqual({
      url: voicemail.recordingUrl,
      external: true,
    });
  });

  it('shows an error with a retry when the fetch fails, and recovers on retry', async () => {
    let fail = true;
    const { fetcher, requests } = relayAnswering(() =>
      fail ? Promise.reject(new TypeError('network down')) : json({ calls: [booked] }),
    );
    const { waitFor, findByTestId, findAll } = renderPanel(fetcher);
    await waitFor(() =>
      expect(findByTestId(Text, 'ai-calls-error-message').text).toContain('could not be reached'),
    );
    fail = false;
    findByTestId(Button, 'ai-calls-retry').trigger('onClick');
    await waitFor(() => expect(findAll(Tile)).toHaveLength(1));
    expect(requests).toHaveLength(2);
  });

  it('shows an error when the relay refuses the request, with the reason it gives, and logs it', async () => {
    logged.length = 0;
    const { fetcher } = relayAnswering(() => json({ error: 'HubSpot did not answer within 2 s; try again' }, 504));
    const { waitFor, findByTestId } = renderPanel(fetcher);
    await waitFor(() =>
      expect(findByTestId(Text, 'ai-calls-error-message').text).toBe(
        'The call relay answered 504 (HubSpot did not answer within 2 s; try again).',
      ),
    );
    expect(logged.join('\n')).toContain('relay answered 504');
  });

  it("writes dates in the user's locale", async () => {
    const { fetcher } = relayAnswering(() => json({ calls: [booked] }));
    const { waitFor, findByTestId } = renderPanel(fetcher, '0-1', 51, 'de-DE');
    await waitFor(() => expect(findByTestId(Text, 'call-CA0001-time').text).toBe('02.03.2026, 10:04'));
  });

  it('shows an error instead of a half-drawn list when the response is malformed', async () => {
    const { fetcher } = relayAnswering(() => json({ calls: [{ callId: 'CA0003' }] }));
    const { waitFor, findByTestId, maybeFind } = renderPanel(fetcher);
    await waitFor(() =>
      expect(findByTestId(Text, 'ai-calls-error-message').text).toContain('does not understand'),
    );
    expect(maybeFind(Tile)).toBeNull();
  });

  it('does not call the relay for a record type the card does not support', async () => {
    const { fetcher, requests } = relayAnswering(() => json({ calls: [] }));
    const { waitFor, findByTestId } = renderPanel(fetcher, '0-2');
    await waitFor(() => expect(findByTestId(ErrorState, 'ai-calls-error')).toBeTruthy());
    expect(requests).toHaveLength(0);
  });
});

describe('loadCalls', () => {
  it('answers one typed state per outcome', async () => {
    const answer =
      (body: unknown, status = 200) =>
      () =>
        json(body, status);
    expect(await loadCalls(answer({ calls: [] }), RELAY, '0-1', 1)).toEqual({ status: 'empty' });
    expect(await loadCalls(answer({ calls: [booked] }), RELAY, '0-5', 1)).toEqual({
      status: 'success',
      calls: [booked],
    });
    expect(await loadCalls(answer({}, 502), RELAY, '0-1', 1)).toEqual({
      status: 'error',
      message: 'The call relay answered 502.',
    });
  });
});

describe('formatting', () => {
  it('formats durations as minutes and seconds', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(59)).toBe('0:59');
    expect(formatDuration(3725)).toBe('62:05');
  });

  it('builds the relay URL with encoded parameters', () => {
    expect(callsUrl('https://relay.test/base/', 'tickets', '12 34')).toBe(
      'https://relay.test/hubspot/card/calls?objectType=tickets&objectId=12+34',
    );
  });
});
