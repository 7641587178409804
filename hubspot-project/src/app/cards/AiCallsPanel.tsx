// The AI calls panel: the record's AI-handled calls with summary, intent, outcome and links.
// Its fetcher is a prop (hubspot.fetch in HubSpot, a stub in tests), so it renders every
// state without a HubSpot account.
import { useEffect, useState } from 'react';
import {
  Button,
  DescriptionList,
  DescriptionListItem,
  EmptyState,
  ErrorState,
  Flex,
  Link,
  LoadingSpinner,
  Tag,
  Text,
  Tile,
} from '@hubspot/ui-extensions';
import { CardCallsResponse, objectTypeById } from './calls-response.ts';
import type { CardCall } from './calls-response.ts';

/** The subset of hubspot.fetch the panel uses. */
export type Fetcher = (url: string, options?: { method?: 'GET'; timeout?: number }) => Promise<Response>;

export type PanelState =
  | { status: 'loading' }
  | { status: 'empty' }
  | { status: 'error'; message: string }
  | { status: 'success'; calls: CardCall[] };

export type AiCallsPanelProps = {
  fetcher: Fetcher;
  relayUrl: string;
  objectTypeId: string;
  objectId: number | string;
  timeZone: string;
  /** The HubSpot user's locale (BCP 47), for dates as the user reads them. */
  locale: string;
  /** Where failures go: HubSpot's logger, whose lines `hs project logs` shows. */
  log: (message: string) => void;
};

const FETCH_TIMEOUT_MS = 10_000;

export function callsUrl(relayUrl: string, objectType: string, objectId: number | string): string {
  const url = new URL('/hubspot/card/calls', relayUrl);
  url.searchParams.set('objectType', objectType);
  url.searchParams.set('objectId', String(objectId));
  return url.toString();
}

/** The relay says why it could not answer (e.g. HubSpot busy, try again in 5 s) in `error`. */
async function relayReason(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: unknown };
    return typeof body.error === 'string' ? ` (${body.error})` : '';
  } catch {
    return '';
  }
}

export async function loadCalls(
  fetcher: Fetcher,
  relayUrl: string,
  objectTypeId: string,
  objectId: number | string,
  log: (message: string) => void = () => {},
): Promise<PanelState> {
  const fail = (message: string, detail: string): PanelState => {
    log(`AI calls card: ${detail} (object type ${objectTypeId}, record ${objectId})`);
    return { status: 'error', message };
  };
  const objectType = objectTypeById[objectTypeId];
  if (!objectType) return fail('This record type has no AI calls.', `unsupported object type`);
  try {
    const response = await fetcher(callsUrl(relayUrl, objectType, objectId), {
      method: 'GET',
      timeout: FETCH_TIMEOUT_MS,
    });
    if (!response.ok) {
      const reason = await relayReason(response);
      return fail(`The call relay answered ${response.status}${reason}.`, `relay answered ${response.status}${reason}`);
    }
    const parsed = CardCallsResponse.safeParse(await response.json());
    if (!parsed.success) {
      return fail('The call relay sent a response this card does not understand.', 'response did not match the card schema');
    }
    return parsed.data.calls.length === 0
      ? { status: 'empty' }
      : { status: 'success', calls: parsed.data.calls };
  } catch (error) {
    return fail('The call relay could not be reached.', `fetch failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return `${minutes}:${String(rest).padStart(2, '0')}`;
}

export function formatTime(iso: string | null, timeZone: string, locale: string): string {
  if (!iso) return 'Time unknown';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'Time unknown';
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  } catch {
    // A locale or time zone this runtime does not know: the runtime's own default.
    format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }
  return format.format(date);
}

function CallTile({ call, timeZone, locale }: { call: CardCall; timeZone: string; locale: string }) {
  const confidence = call.intentConfidence === null ? '' : ` (${Math.round(call.intentConfidence * 100)}%)`;
  return (
    <Tile compact={true} testId={`call-${call.callId}`}>
      <Flex direction="column" gap="xs">
        <Flex direction="row" gap="sm" align="center" wrap="wrap">
          <Text format={{ fontWeight: 'demibold' }} testId={`call-${call.callId}-time`}>
            {formatTime(call.startedAt, timeZone, locale)}
          </Text>
          <Text variant="microcopy" testId={`call-${call.callId}-duration`}>
            {formatDuration(call.durationSeconds)}
          </Text>
        </Flex>
        <Flex direction="row" gap="xs" wrap="wrap">
          {call.intentLabel ? (
            <Tag variant="info" testId={`call-${call.callId}-intent`}>
              {`${call.intentLabel}${confidence}`}
            </Tag>
          ) : null}
          {call.dispositionLabel ? (
            <Tag variant="default" testId={`call-${call.callId}-disposition`}>
              {call.dispositionLabel}
            </Tag>
          ) : null}
        </Flex>
        {call.summary ? (
          <DescriptionList direction="column">
            <DescriptionListItem label="Summary">
              <Text testId={`call-${call.callId}-summary`}>{call.summary}</Text>
            </DescriptionListItem>
          </DescriptionList>
        ) : null}
        <Flex direction="row" gap="sm">
          {call.transcriptUrl ? (
            <Link
              href={{ url: call.transcriptUrl, external: true }}
              testId={`call-${call.callId}-transcript`}
            >
              Transcript
            </Link>
          ) : null}
          {call.recordingUrl ? (
            <Link href={{ url: call.recordingUrl, external: true }} testId={`call-${call.callId}-recording`}>
              Recording
            </Link>
          ) : null}
        </Flex>
      </Flex>
    </Tile>
  );
}

export function AiCallsPanel({ fetcher, relayUrl, objectTypeId, objectId, timeZone, locale, log }: AiCallsPanelProps) {
  const [state, setState] = useState<PanelState>({ status: 'loading' });
  // Bumped by "Try again" to run the request effect once more.
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    // The record can change while a request is in flight; only the latest answer counts.
    let current = true;
    loadCalls(fetcher, relayUrl, objectTypeId, objectId, log).then((next) => {
      if (current) setState(next);
    });
    return () => {
      current = false;
    };
  }, [fetcher, relayUrl, objectTypeId, objectId, log, attempt]);

  const retry = () => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  };

  if (state.status === 'loading') {
    return <LoadingSpinner label="Loading AI calls" layout="centered" testId="ai-calls-loading" />;
  }
  if (state.status === 'error') {
    return (
      <ErrorState title="AI calls are unavailable" testId="ai-calls-error">
        <Text testId="ai-calls-error-message">{state.message}</Text>
        <Button onClick={retry} testId="ai-calls-retry">
          Try again
        </Button>
      </ErrorState>
    );
  }
  if (state.status === 'empty') {
    return (
      <EmptyState title="No AI calls yet" imageName="callingSetUp" layout="vertical" testId="ai-calls-empty">
        <Text>Calls answered by the AI receptionist appear here within seconds of hanging up.</Text>
      </EmptyState>
    );
  }
  return (
    <Flex direction="column" gap="sm" testId="ai-calls-list">
      {state.calls.map((call) => (
        <CallTile key={call.callId} call={call} timeZone={timeZone} locale={locale} />
      ))}
    </Flex>
  );
}
