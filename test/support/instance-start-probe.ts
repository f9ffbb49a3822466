/**
 * Starts a GatehouseInstance in this process and prints one JSON line:
 * {ok, code?, message?, lines}. Used to run a start as another user
 * (setpriv --reuid=nobody) where root's permission semantics do not apply.
 * Usage: node --import tsx test/support/instance-start-probe.ts CONFIG DATADIR
 */
import { memoryLogger } from '../../main/engine/logger';
import { GatehouseInstance } from '../../main/instance/gatehouse-instance';

async function main(): Promise<void> {
  const logger = memoryLogger();
  try {
    const instance = await GatehouseInstance.start({ configPath: process.argv[2]!, dataDir: process.argv[3]!, headless: true, logger, httpPort: 0, listen: ['127.0.0.1'] });
    console.log(JSON.stringify({ ok: true, lines: logger.lines }));
    await instance.stop(0);
  } catch (err) {
    console.log(JSON.stringify({ ok: false, code: (err as { code?: string }).code, message: (err as Error).message, lines: logger.lines }));
  }
}

void main();
