/**
 * OPA policies through the hub: bundles uploaded over HTTP, evaluated in a worker after every
 * change of a design edited with a stock y-websocket client, their findings in the derived room
 * and the designs API; policies that trap, loop or answer in the wrong shape become findings and
 * are switched off after repeated failures; bad uploads are refused with clear errors.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/checks/bestPractices.js';
import { DesignKey, writeCheckSetting, writeComponent } from '../../shared/design/convert.js';
import { readDerivedRelationships, readFindings } from '../../shared/design/derived.js';
import type { Component } from '../../shared/design/model.js';
import { api, createDesign } from '../helpers/api.js';
import { connectClient } from '../helpers/client.js';
import { component } from '../helpers/components.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { policyBundle, policyWasm, tarGz, type PolicyBehaviour } from '../helpers/opaPolicy.js';
import { waitFor } from '../helpers/wait.js';

const deployment = (name: string, image: string): Component =>
  component(
    'Deployment',
    name,
    { spec: { template: { spec: { containers: [{ name, image }] } } } },
    { apiVersion: 'apps/v1' },
  );

async function upload(hub: TestHub, name: string, body: Uint8Array | FormData) {
  const response = await fetch(`${hub.url}/api/policies?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: body instanceof FormData ? {} : { 'Content-Type': 'application/gzip' },
    body: body instanceof FormData ? body : new Uint8Array(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function uploadPolicy(hub: TestHub, name: string, behaviour: PolicyBehaviour) {
  const { status, body } = await upload(hub, name, await policyBundle(behaviour));
  expect(status, JSON.stringify(body)).toBe(201);
  return body;
}

/** A design with an editor and a watcher of its derived room. */
async function openDesign(hub: TestHub) {
  const id = await createDesign(hub.url);
  const editor = connectClient(hub.wsUrl, `designs/${id}`, { acks: true });
  const watcher = connectClient(hub.wsUrl, `designs/${id}/derived`);
  await Promise.all([editor.synced(), watcher.synced()]);
  const write = (...components: Component[]) =>
    editor.doc.transact(() => components.forEach((c) => writeComponent(editor.doc, c)));
  const findings = (key: string): Finding[] => readFindings(watcher.doc)[key] ?? [];
  const policyFindings = (key: string, policy: string) =>
    findings(key).filter((finding) => finding.check.startsWith(`policy:${policy}`));
  return { id, editor, watcher, write, findings, policyFindings };
}

const policyState = async (hub: TestHub, name: string) =>
  (
    await api<{ failures: number; disabled: { reason: string } | null }>(
      hub.url,
      'GET',
      `/api/policies/${name}`,
    )
  ).body;

describe('OPA policies', () => {
  it('reports a policy’s findings on the components it names, live, and through the API', async () => {
    const hub = await startTestHub();
    const stored = await uploadPolicy(hub, 'no-latest', 'latest-tag');
    expect(stored).toMatchObject({
      id: 'no-latest',
      entrypoints: ['weft/findings'],
      disabled: null,
    });
    expect(stored).not.toHaveProperty('wasm');
    const listed = await api<Record<string, unknown>[]>(hub.url, 'GET', '/api/policies');
    expect(listed.body.map((policy) => policy.id)).toEqual(['no-latest']);
    expect(JSON.stringify(listed.body)).not.toContain('"wasm"');

    const design = await openDesign(hub);
    const web = deployment('web', 'nginx:latest');
    const api1 = deployment('api', 'api:1.4');
    design.write(web, api1);
    await waitFor(() => design.policyFindings(web.id, 'no-latest').length === 1);
    expect(design.policyFindings(web.id, 'no-latest')[0]).toEqual({
      check: 'policy:no-latest/latest-tag',
      severity: 'warning',
      message: 'image uses the latest tag',
      path: '',
    });
    expect(design.policyFindings(api1.id, 'no-latest')).toEqual([]);
    // Best-practice findings of the same component are still there beside the policy's.
    expect(design.findings(web.id).some((f) => !f.check.startsWith('policy:'))).toBe(true);

    const detail = await api<{ findings: Record<string, Finding[]> }>(
      hub.url,
      'GET',
      `/api/designs/${design.id}`,
    );
    expect(detail.body.findings[web.id]?.map((f) => f.check)).toContain(
      'policy:no-latest/latest-tag',
    );

    // Fixing the image clears the finding; breaking the other one raises it there.
    design.write(deployment('web', 'nginx:1.27'), deployment('api', 'api:latest'));
    await waitFor(
      () =>
        design.policyFindings(web.id, 'no-latest').length === 0 &&
        design.policyFindings(api1.id, 'no-latest').length === 1,
    );
  });

  it('adds the relationships a policy draws to the derived room, where they can be rejected', async () => {
    const hub = await startTestHub();
    const stored = await uploadPolicy(hub, 'linked', 'chain');
    expect(stored.entrypoints).toEqual(['weft/relationships']);
    const design = await openDesign(hub);
    const drawn = () =>
      readDerivedRelationships(design.watcher.doc).filter((r) => r.definition === 'policy:linked');
    const [a, b, c] = ['a', 'b', 'c'].map((name) => deployment(name, `${name}:1`));
    design.write(a!, b!, c!);
    await waitFor(() => drawn().length === 2);
    const ids = new Set([a!.id, b!.id, c!.id]);
    for (const relationship of drawn()) {
      expect(relationship).toMatchObject({ kind: 'edge', type: 'policy', subType: 'chain' });
      expect(ids.has(relationship.from) && ids.has(relationship.to)).toBe(true);
      expect(relationship.status).toBe('inferred');
    }
    const [first] = drawn();
    design.editor.doc.getMap(DesignKey.overrides).set(first!.id, 'rejected');
    await waitFor(() => drawn().find((r) => r.id === first!.id)?.status === 'rejected');
    const detail = await api<{ relationships: { id: string; origin: string }[] }>(
      hub.url,
      'GET',
      `/api/designs/${design.id}`,
    );
    const listed = detail.body.relationships.filter((r) => r.origin === 'inferred');
    expect(listed.map((r) => r.id).sort()).toEqual(
      drawn()
        .filter((r) => r.status !== 'rejected')
        .map((r) => r.id)
        .sort(),
    );

    design.editor.doc.getMap(DesignKey.components).delete(c!.id);
    await waitFor(() => drawn().length === 1);
    expect((await api(hub.url, 'DELETE', '/api/policies/linked')).status).toBe(204);
    await waitFor(() => drawn().length === 0);
  });

  it('runs policies when a design nobody has open is read', async () => {
    const hub = await startTestHub();
    await uploadPolicy(hub, 'no-latest', 'latest-tag');
    const manifest = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec: {template: {spec: {containers: [{name: web, image: "nginx:latest"}]}}}',
    ].join('\n');
    const imported = await api<{ id: string }>(
      hub.url,
      'POST',
      '/api/designs/import?name=x',
      manifest,
    );
    const detail = await api<{ components: { id: string }[]; findings: Record<string, Finding[]> }>(
      hub.url,
      'GET',
      `/api/designs/${imported.body.id}`,
    );
    const [web] = detail.body.components;
    expect(detail.body.findings[web!.id]?.map((f) => f.check)).toContain(
      'policy:no-latest/latest-tag',
    );
  });

  it('lets a design switch a policy off, and drops its findings when the policy is deleted', async () => {
    const hub = await startTestHub();
    await uploadPolicy(hub, 'no-latest', 'latest-tag');
    const design = await openDesign(hub);
    const web = deployment('web', 'nginx:latest');
    design.write(web);
    await waitFor(() => design.policyFindings(web.id, 'no-latest').length === 1);

    design.editor.doc.transact(() =>
      writeCheckSetting(design.editor.doc, 'policy:no-latest', false),
    );
    await waitFor(() => design.policyFindings(web.id, 'no-latest').length === 0);
    design.editor.doc.transact(() =>
      writeCheckSetting(design.editor.doc, 'policy:no-latest', true),
    );
    await waitFor(() => design.policyFindings(web.id, 'no-latest').length === 1);

    expect((await api(hub.url, 'DELETE', '/api/policies/no-latest')).status).toBe(204);
    await waitFor(() => design.policyFindings(web.id, 'no-latest').length === 0);
    expect((await api(hub.url, 'GET', '/api/policies/no-latest')).status).toBe(404);
    expect((await api(hub.url, 'DELETE', '/api/policies/no-latest')).status).toBe(404);
  });

  it('turns a policy that loops, traps or answers wrongly into a finding, and switches it off after three failures in a row', async () => {
    const hub = await startTestHub({ policyBudgetMs: 200 });
    await uploadPolicy(hub, 'loops', 'loop');
    await uploadPolicy(hub, 'traps', 'trap');
    await uploadPolicy(hub, 'wrong', 'wrong-shape');
    const design = await openDesign(hub);
    const web = deployment('web', 'nginx:1');
    const service = component('Service', 'web', { spec: { selector: { app: 'web' } } });
    web.config = {
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1' }] },
        },
      },
    };
    design.write(web, service);
    // Failing policies do not hold inference up.
    await waitFor(() =>
      readDerivedRelationships(design.watcher.doc).some(
        (r) => r.from === service.id && r.to === web.id,
      ),
    );
    await waitFor(
      () =>
        design.findings('policy:loops').length === 1 &&
        design.findings('policy:traps').length === 1 &&
        design.findings('policy:wrong').length === 1,
      { timeoutMs: 10_000, what: 'a finding about each failing policy' },
    );
    expect(design.findings('policy:loops')[0]!.message).toBe(
      'policy loops failed: did not finish within 200 ms',
    );
    expect(design.findings('policy:traps')[0]!.message).toMatch(
      /^policy traps failed: .*unreachable/,
    );
    expect(design.findings('policy:wrong')[0]!.message).toContain(
      'weft/findings returned something other than a list of {component, check?, severity?, message}: {"not":"a list"}',
    );

    // Two more changes, two more failures each: then they are switched off and not run again.
    for (let edit = 2; edit <= 3; edit++) {
      design.write(deployment('web', `nginx:${edit}`));
      await waitFor(
        async () => {
          const traps = await policyState(hub, 'traps');
          return traps.failures >= edit || traps.disabled !== null;
        },
        { timeoutMs: 10_000, what: `failure ${edit} of the trapping policy` },
      );
    }
    await waitFor(
      async () => {
        const states = await Promise.all(
          ['loops', 'traps', 'wrong'].map((name) => policyState(hub, name)),
        );
        return states.every((state) => state.disabled !== null);
      },
      { timeoutMs: 10_000, what: 'all three policies switched off' },
    );
    expect((await policyState(hub, 'loops')).disabled?.reason).toMatch(
      /^switched off after failing 3 times in a row; last: did not finish within 200 ms/,
    );
    await waitFor(() => design.findings('policy:loops').length === 0);

    // The hub is still fine, and a policy uploaded again is on again.
    await uploadPolicy(hub, 'traps', 'latest-tag');
    design.write(deployment('web', 'nginx:latest'));
    await waitFor(() => design.policyFindings('Deployment/web', 'traps').length === 1);
  });

  it('refuses uploads that are not working policy bundles, saying why', async () => {
    const hub = await startTestHub();
    const refused = async (name: string, body: Uint8Array | FormData) => {
      const { status, body: error } = await upload(hub, name, body);
      expect(status).toBe(400);
      return (error as { error: { code: string; message: string } }).error;
    };
    const wasm = await policyWasm('latest-tag');
    expect(await refused('raw', wasm)).toMatchObject({ code: 'invalid_bundle' });
    expect(await refused('garbage', Buffer.from([0x1f, 0x8b, 1, 2, 3]))).toMatchObject({
      code: 'invalid_bundle',
      message: expect.stringMatching(/^not a gzip archive/),
    });
    expect(await refused('empty', tarGz({ '/data.json': '{}' }))).toMatchObject({
      message: 'the bundle has no /policy.wasm (build it with -t wasm)',
    });
    // A path that climbs out is just another name: it is not /policy.wasm.
    expect(await refused('climb', tarGz({ '../policy.wasm': wasm }))).toMatchObject({
      code: 'invalid_bundle',
    });
    expect(await refused('not-wasm', tarGz({ '/policy.wasm': 'hello' }))).toMatchObject({
      message: '/policy.wasm is not a WebAssembly module',
    });
    const broken = Buffer.from(wasm.subarray(0, wasm.length - 10));
    expect(await refused('broken', tarGz({ '/policy.wasm': broken }))).toMatchObject({
      code: 'invalid_policy',
    });
    expect(
      await refused('bad-data', tarGz({ '/policy.wasm': wasm, '/data.json': '[1,2' })),
    ).toMatchObject({ message: expect.stringMatching(/^\/data.json is not JSON/) });
    // 70 MB of zeros packs into a small upload; unpacked, it is over the limit.
    const bomb = tarGz({ '/policy.wasm': Buffer.alloc(70 * 1024 * 1024) });
    expect(await refused('bomb', bomb)).toMatchObject({
      message: 'the archive unpacks to more than 67108864 bytes',
    });
    expect(await refused('Bad Name', await policyBundle('latest-tag'))).toMatchObject({
      code: 'invalid_policy_id',
    });
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(await policyBundle('latest-tag'))]));
    expect(await refused('wrong-field', form)).toMatchObject({ code: 'missing_bundle' });
    expect((await api(hub.url, 'POST', '/api/policies', '')).status).toBe(400);
    expect((await api<unknown[]>(hub.url, 'GET', '/api/policies')).body).toEqual([]);

    // The multipart form the issue names works.
    const good = new FormData();
    const bundle = new Uint8Array(await policyBundle('latest-tag', { allowed: ['x'] }));
    good.set('bundle', new Blob([bundle]));
    expect((await upload(hub, 'from-form', good)).status).toBe(201);
  });

  it('keeps policies across a restart', async () => {
    const hub = await startTestHub();
    await uploadPolicy(hub, 'no-latest', 'latest-tag');
    await hub.close();
    const again = await startTestHub({ data: hub.data });
    const design = await openDesign(again);
    design.write(deployment('web', 'nginx:latest'));
    await waitFor(() => design.policyFindings('Deployment/web', 'no-latest').length === 1);
  });
});
