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
};

const FETCH_TIMEOUT_MS = 10_000;

export function callsUrl(relayUrl: string, objectType: string, objectId: number | string): string {
  const url = new URL('/hubspot/card/calls', relayUrl);
  url.searchParams.set('objectType', objectType);
  url.searchParams.set('objectId', String(objectId));
  return url.toString();
}

export async function loadCalls(
  fetcher: Fetcher,
  relayUrl: string,
  objectTypeId: string,
  objectId: number | string,
): Promise<PanelState> {
  const objectType = objectTypeById[objectTypeId];
  if (!objectType) return { status: 'error', message: 'This record type has no AI calls.' };
  try {
    const response = await fetcher(callsUrl(relayUrl, objectType, objectId), {
      method: 'GET',
      timeout: FETCH_TIMEOUT_MS,
    });
    if (!response.ok) {
      return { status: 'error', message: `The call relay answered ${response.status}.` };
    }
    const parsed = CardCallsResponse.safeParse(await response.json());
    if (!parsed.success) {
      return { status: 'error', message: 'The call relay sent a response this card does not understand.' };
    }
    return parsed.data.calls.length === 0
      ? { status: 'empty' }
      : { status: 'success', calls: parsed.data.calls };
  } catch {
    return { status: 'error', message: 'The call relay could not be reached.' };
  }
}

export function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return `${minutes}:${String(rest).padStart(2, '0')}`;
}

export function formatTime(iso: string | null, timeZone: string): string {
  if (!iso) return 'Time unknown';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'Time unknown';
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
}

function CallTile({ call, timeZone }: { call: CardCall; timeZone: string }) {
  const confidence = call.intentConfidence === null ? '' : ` (${Math.round(call.intentConfidence * 100)}%)`;
  return (
    <Tile compact={true} testId={`call-${call.callId}`}>
      <Flex direction="column" gap="xs">
        <Flex direction="row" gap="sm" align="center" wrap="wrap">
          <Text format={{ fontWeight: 'demibold' }} testId={`call-${call.callId}-time`}>
            {formatTime(call.startedAt, timeZone)}
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

export function AiCallsPanel({ fetcher, relayUrl, objectTypeId, objectId, timeZone }: AiCallsPanelProps) {
  const [state, setState] = useState<PanelState>({ status: 'loading' });
  // Bumped by "Try again" to run the request effect once more.
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    // The record can change while a request is in flight; only the latest answer counts.
    let current = true;
    loadCalls(fetcher, relayUrl, objectTypeId, objectId).then((next) => {
      if (current) setState(next);
    });
    return () => {
      current = false;
    };
  }, [fetcher, relayUrl, objectTypeId, objectId, attempt]);

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
        <CallTile key={call.callId} call={call} timeZone={timeZone} />
      ))}
    </Flex>
  );
}
