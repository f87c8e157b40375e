import { openDatabases } from '../../server/store/database.js';
import { DesignRecords } from '../../server/store/designRecords.js';
import { DocLog } from '../../server/store/docLog.js';
import { designRoom } from '../../shared/rooms.js';

/**
 * Writes a design straight into a hub's data folder (before the hub starts), as an older or
 * stopped hub could have left it: its record named `name`, and its document as these log
 * entries, one each, not compacted.
 */
export async function storeDesign(
  data: string,
  id: string,
  name: string,
  updates: readonly Uint8Array[] = [],
): Promise<void> {
  const db = openDatabases(data);
  const now = new Date().toISOString();
  await new DesignRecords(db).put({ id, name, description: '', createdAt: now, updatedAt: now });
  const log = new DocLog(db);
  for (const [index, update] of updates.entries()) {
    await log.append(designRoom(id), index + 1, update);
  }
  await db.root.close();
}
