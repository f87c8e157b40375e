/**
 * The hub's OPA policies: uploaded as bundles, checked by loading them before they are stored,
 * evaluated through the runner, and switched off after repeated failures. Every design is
 * checked by every enabled policy unless its check settings turn the policy off.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, notFound } from '../errors.js';
import type { KeyedRecords } from '../store/keyedRecords.js';
import { readPolicyBundle } from './policyBundle.js';
import {
  findingsOf,
  relationshipsOf,
  type PolicyFinding,
  type PolicyRelationship,
} from './policyOutput.js';
import { PolicyFailure, type PolicyRunner } from './policyRunner.js';

/** The entrypoints the hub calls; a policy needs at least one of them. */
export const PolicyEntrypoint = {
  findings: 'weft/findings',
  relationships: 'weft/relationships',
} as const;
const ENTRYPOINTS: readonly string[] = Object.values(PolicyEntrypoint);

export interface StoredPolicy {
  id: string;
  uploadedAt: string;
  /** New with every upload, so that loaded copies of an earlier upload are told apart. */
  version: string;
  /** The `weft/…` entrypoints the module has. */
  entrypoints: string[];
  wasm: Uint8Array;
  /** The bundle's `data.json`, or null. */
  data: unknown;
  /** Set when the policy was switched off after failing repeatedly. */
  disabled: { at: string; reason: string } | null;
}

/** What one policy reports about one design. */
export interface PolicyReport {
  findings: PolicyFinding[];
  relationships: PolicyRelationship[];
}

/** Failures in a row after which a policy is switched off until it is uploaded again. */
export const FAILURES_TO_DISABLE = 3;

/** A DNS-label-like id: it appears in check ids, URLs and findings. */
const POLICY_ID = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The check id under which a policy's findings appear, and which turns it off for a design. */
export const policyCheckId = (policyId: string): string => `policy:${policyId}`;

/** What the API shows of a policy: everything but the module and its data. */
export type PolicySummary = Omit<StoredPolicy, 'wasm' | 'data'> & {
  /** Failures in a row since the last success (counted since the hub started). */
  failures: number;
};

export class PolicyRegistry {
  private readonly policies: Map<string, StoredPolicy>;
  private readonly failures = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly records: KeyedRecords<StoredPolicy>,
    private readonly runner: PolicyRunner,
  ) {
    this.policies = new Map(records.list().map((policy) => [policy.id, policy]));
  }

  list(): PolicySummary[] {
    return [...this.policies.values()].map((policy) => this.summary(policy));
  }

  get(id: string): PolicySummary {
    return this.summary(this.require(id));
  }

  /** Policies not switched off. */
  enabled(): StoredPolicy[] {
    return [...this.policies.values()].filter((policy) => !policy.disabled);
  }

  /**
   * Stores a bundle under `id`, replacing any policy of that id. The module is loaded first (in
   * the runner's worker, within its time budget): one that cannot be loaded, or has neither
   * `weft/findings` nor `weft/relationships`, is refused with a 400.
   */
  async add(id: string, bundle: Uint8Array): Promise<PolicySummary> {
    if (!POLICY_ID.test(id)) {
      throw badRequest(
        'invalid_policy_id',
        'name a policy with lower-case letters, digits and dashes (at most 63), e.g. ?name=no-latest-tag',
      );
    }
    const { wasm, data } = readPolicyBundle(bundle);
    const candidate = { id: `${id}?upload`, version: randomUUID(), wasm, data };
    let entrypoints: string[];
    try {
      entrypoints = await this.runner.inspect(candidate);
    } catch (error) {
      if (!(error instanceof PolicyFailure)) throw error;
      throw badRequest('invalid_policy', `the policy module could not be loaded: ${error.message}`);
    } finally {
      this.runner.forget(candidate.id);
    }
    const used = entrypoints.filter((entrypoint) => ENTRYPOINTS.includes(entrypoint));
    if (used.length === 0) {
      throw badRequest(
        'invalid_policy',
        `the policy has neither ${ENTRYPOINTS.join(' nor ')} (it has: ${entrypoints.join(', ') || 'none'})`,
      );
    }
    const policy: StoredPolicy = {
      id,
      uploadedAt: new Date().toISOString(),
      version: candidate.version,
      entrypoints: used,
      wasm,
      data,
      disabled: null,
    };
    await this.records.put(policy);
    this.runner.forget(id);
    this.policies.set(id, policy);
    this.failures.delete(id);
    this.changed();
    return this.summary(policy);
  }

  async remove(id: string): Promise<void> {
    this.require(id);
    await this.records.remove(id);
    this.policies.delete(id);
    this.failures.delete(id);
    this.runner.forget(id);
    this.changed();
  }

  /**
   * What `policy` reports for `input` (a design as JSON text), from each of the entrypoints it
   * has. Throws a PolicyFailure if it traps, overruns its budget or answers in the wrong shape;
   * the third failure in a row switches it off.
   */
  async evaluate(policy: StoredPolicy, input: string): Promise<PolicyReport> {
    const answer = async <T>(entrypoint: string, read: (resultSet: unknown) => T[]) =>
      policy.entrypoints.includes(entrypoint)
        ? read(await this.runner.evaluate(policy, entrypoint, input))
        : [];
    try {
      const report = {
        findings: await answer(PolicyEntrypoint.findings, findingsOf),
        relationships: await answer(PolicyEntrypoint.relationships, relationshipsOf),
      };
      this.failures.delete(policy.id);
      return report;
    } catch (error) {
      if (error instanceof PolicyFailure) await this.failed(policy, error);
      throw error;
    }
  }

  /** Calls `listener` whenever policies are added, replaced, removed or switched off. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async failed(policy: StoredPolicy, error: PolicyFailure): Promise<void> {
    // A policy replaced or removed meanwhile is not the one that failed.
    if (this.policies.get(policy.id) !== policy) return;
    const failures = (this.failures.get(policy.id) ?? 0) + 1;
    this.failures.set(policy.id, failures);
    if (failures < FAILURES_TO_DISABLE) return;
    const disabled = {
      at: new Date().toISOString(),
      reason: `switched off after failing ${failures} times in a row; last: ${error.message}`,
    };
    const switchedOff = { ...policy, disabled };
    this.policies.set(policy.id, switchedOff);
    await this.records.put(switchedOff);
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private require(id: string): StoredPolicy {
    const policy = this.policies.get(id);
    if (!policy) throw notFound('policy', id);
    return policy;
  }

  private summary(policy: StoredPolicy): PolicySummary {
    const { wasm: _wasm, data: _data, ...summary } = policy;
    return { ...summary, failures: this.failures.get(policy.id) ?? 0 };
  }
}
