import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  HOSTS_BEGIN,
  HOSTS_END,
  hasHostsBlock,
  hostsEntries,
  namesInHostsBlock,
  withHostsBlock,
  withoutHostsBlock,
} from '../../main/dns/hosts-block';
import { isManagedFile, macosResolverFile, resolvedDropIn, routedSuffixes } from '../../main/dns/resolver-files';

test('hosts entries: plain names sorted and de-duplicated; wildcards set aside', () => {
  assert.deepEqual(hostsEntries(['b.test', 'A.test.', '*.app.test', 'a.test', ' ']), {
    names: ['a.test', 'b.test'],
    wildcards: ['*.app.test'],
  });
});

test('hosts block: add then remove gives back the exact bytes, whatever the file looked like', () => {
  const originals = [
    '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n',
    '127.0.0.1 localhost', // no final newline
    '',
    '\n\n# comment\n',
    '127.0.0.1 localhost\r\n::1 localhost\r\n', // CRLF
  ];
  for (const original of originals) {
    const added = withHostsBlock(original, ['app.test', 'api.test']);
    assert.ok(hasHostsBlock(added));
    assert.ok(added.startsWith(original), 'the original text is untouched before the block');
    assert.deepEqual(namesInHostsBlock(added).sort(), ['api.test', 'app.test']);
    assert.match(added, /127\.0\.0\.1\tapp\.test\n::1\tapp\.test\n/);
    assert.equal(withoutHostsBlock(added), original, JSON.stringify(original));
    // Updating in place keeps one block, and removal still restores.
    const updated = withHostsBlock(added, ['only.test']);
    assert.equal(updated.split(HOSTS_END).length, 2);
    assert.deepEqual(namesInHostsBlock(updated), ['only.test']);
    assert.equal(withoutHostsBlock(updated), original);
    assert.equal(withHostsBlock(updated, ['only.test']), updated, 'idempotent');
  }
});

test('hosts block: text after the block survives removal; no block means no change', () => {
  const original = '127.0.0.1 localhost\n';
  const added = withHostsBlock(original, ['app.test']) + '10.0.0.1 later.example\n';
  assert.equal(withoutHostsBlock(added), original + '10.0.0.1 later.example\n');
  assert.equal(withoutHostsBlock(original), original);
  assert.ok(!hasHostsBlock(`${HOSTS_BEGIN}\n127.0.0.1 x\n`), 'an unterminated block is not ours to remove');
});

test('resolver files: macOS resolver and systemd-resolved drop-in, without localhost', () => {
  assert.deepEqual(routedSuffixes(['test', 'localhost', 'internal']), ['test', 'internal']);
  const mac = macosResolverFile(15353);
  assert.ok(isManagedFile(mac));
  assert.match(mac, /^nameserver 127\.0\.0\.1$/m);
  assert.match(mac, /^port 15353$/m);
  const dropIn = resolvedDropIn(15353, ['test', 'localhost', 'internal']);
  assert.ok(isManagedFile(dropIn));
  assert.match(dropIn, /^\[Resolve\]\nDNS=127\.0\.0\.1:15353\nDomains=~test ~internal\n$/m);
  assert.ok(!isManagedFile('nameserver 1.1.1.1\n'));
  assert.ok(!isManagedFile(undefined));
});
