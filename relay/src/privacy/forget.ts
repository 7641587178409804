// Forgetting what was said on calls while keeping that they happened: used when consent is
// missing (at finalisation) and when retention runs out. Utterance events go; the other webhook
// events lose their transcript, platform summary and recording link; the call loses its
// recording link.
import type { Sql } from '../store/db.ts';

export async function forgetCallText(sql: Sql, callIds: string[]): Promise<void> {
  await sql.query(`delete from call_events where call_id = any($1) and event like 'transcript:%'`, [callIds]);
  await sql.query(`update call_events set payload = (payload - 'transcript' - 'vendor' - 'turn') #- '{call,recordingUrl}' where call_id = any($1)`, [callIds]);
  await sql.query(`update calls set recording_url = null where id = any($1)`, [callIds]);
}
