// The card's entry point: binds the panel to HubSpot's signed fetch and the open record.
import { hubspot, logger } from '@hubspot/ui-extensions';
import { AiCallsPanel } from './AiCallsPanel.tsx';
import { RELAY_URL } from './relay.ts';

hubspot.extend<'crm.record.tab'>(({ context }) => (
  <AiCallsPanel
    fetcher={hubspot.fetch}
    relayUrl={RELAY_URL}
    objectTypeId={context.crm.objectTypeId}
    objectId={context.crm.objectId}
    timeZone={context.portal.timezone}
    locale={context.user.locale ?? context.user.language ?? 'en-US'}
    log={logger.error}
  />
));
