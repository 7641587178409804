// The data-protection API (same access rule as the rest of /api): delete a call, rotate the
// encryption key and re-encrypt stored rows, run the retention purge now. The CLI's
// `calls delete`, `keys rotate` and `retention purge` go through these, because the embedded store
// belongs to the running relay.
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import type { RelayFile } from '../config.ts';
import { IngestError } from '../ingest/event.ts';
import type { Db } from '../store/db.ts';
import { requireApiAccess } from '../web/api.ts';
import { deleteCall } from './deletion.ts';
import type { KeyRing } from './encryption.ts';
import { reencryptAll } from './rekey.ts';
import { purgeAllExpired } from './retention.ts';

export type PrivacyApiDeps = { db: Db; keys: KeyRing; file: RelayFile; apiToken: string | undefined; log: Logger; onEnqueued: () => void };

export function privacyApiRoutes(deps: PrivacyApiDeps): Router {
  const router = express.Router();
  router.use('/api', requireApiAccess(deps.apiToken));

  router.delete('/api/calls/:id', async (req, res) => {
    const result = await deleteCall(deps.db, req.params.id, { redactCrms: deps.file.retention.redactCrmsOnDelete, who: 'the API' });
    if (result.status === 'not_found') throw new IngestError(404, `no call ${req.params.id}`);
    if (result.status === 'deleted' && result.redactionsQueued.length > 0) deps.onEnqueued();
    deps.log.info({ callId: req.params.id, result: result.status }, 'call deleted');
    res.json(result);
  });

  // Rotating a generated key file adds a key; with ENCRYPTION_KEY the operator has already put the
  // new key first and restarted, so this only moves rows still under older keys.
  router.post('/api/keys/rotate', async (_req, res) => {
    const rotated = deps.keys.file !== undefined;
    if (rotated) deps.keys.rotate();
    const result = await reencryptAll(deps.db, deps.keys);
    deps.log.info({ activeKeyId: result.activeKeyId, rows: result.rows, rotated }, 'encryption keys rotated');
    res.json({ rotated, ...result });
  });

  router.post('/api/retention/purge', async (_req, res) => {
    const purged = await purgeAllExpired(deps.db, deps.file.retention.transcriptDays);
    res.json({ purged, transcriptDays: deps.file.retention.transcriptDays });
  });

  return router;
}
