import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startTestInstance } from '../support/instance-harness';

/**
 * Ports and listen addresses take effect only when the listeners start. Changing one
 * while Gatehouse runs asks for a restart; changing it back to what the listeners run
 * with must not (nothing is waiting for a restart any more).
 */
test('a restart-only setting changed and then set back: a restart is asked for once, then no more', async () => {
  const gh = await startTestInstance({ routes: [], dnsPort: 0 });
  try {
    const restartWarnings = () => gh.logger.lines.filter((l) => /"dnsPort" changed in .*restart Gatehouse/.test(l));
    const changed = await gh.call('settings.set', { settings: { dnsPort: 15999 } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(restartWarnings().length, 1, gh.logger.lines.join('\n'));

    const back = await gh.call('settings.set', { settings: { dnsPort: 0 } });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(restartWarnings().length, 1, `no second warning:\n${gh.logger.lines.join('\n')}`);
    assert.ok(gh.logger.lines.some((l) => /"dnsPort" is back to the value Gatehouse runs with/.test(l)), gh.logger.lines.join('\n'));
  } finally {
    await gh.close();
  }
});
