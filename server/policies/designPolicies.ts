/**
 * Runs the hub's policies over one design after its changes. Policies run in a worker and take
 * their time, so runs never overlap: changes made during a run ask for one more run, of the
 * design as it is then. Findings are kept by component id; a policy that fails leaves one
 * finding about itself under its check id (`policy:<id>`) instead of findings about components.
 * Relationships a policy draws get ids from the policy, their endpoints and their kind and
 * type, so they stay the same from run to run and can be accepted or rejected like inferred ones.
 */
import type { Finding } from '../../shared/checks/bestPractices.js';
import { relationshipId, type InferredRelationship } from '../../shared/relationships/engine.js';
import type { PolicyInput } from './policyInput.js';
import { policyCheckId, type PolicyRegistry } from './policyRegistry.js';
import { PolicyFailure } from './policyRunner.js';

/** What the policies found about one design. */
export interface PolicyResults {
  /** By component id, and by `policy:<id>` for each policy that failed. */
  findings: Map<string, Finding[]>;
  /** By id. */
  relationships: Map<string, InferredRelationship>;
}

/**
 * Runs every enabled policy the design has not turned off, one after the other. What they say
 * about components the design does not have has nowhere to go and is left out.
 */
export async function evaluatePolicies(
  registry: PolicyRegistry,
  input: PolicyInput,
): Promise<PolicyResults> {
  const results: PolicyResults = { findings: new Map(), relationships: new Map() };
  const add = (key: string, finding: Finding) =>
    results.findings.set(key, [...(results.findings.get(key) ?? []), finding]);
  const known = (id: string) => input.design().componentIds.has(id);
  for (const policy of registry.enabled()) {
    const check = policyCheckId(policy.id);
    if (input.disabledChecks.has(check)) continue;
    let report;
    try {
      report = await registry.evaluate(policy, input.design().json);
    } catch (error) {
      if (!(error instanceof PolicyFailure)) throw error;
      const message = `policy ${policy.id} failed: ${error.message}`;
      add(check, { check, severity: 'error', message, path: '' });
      continue;
    }
    for (const { component, check: own, severity, message } of report.findings) {
      if (known(component)) {
        add(component, { check: own ? `${check}/${own}` : check, severity, message, path: '' });
      }
    }
    for (const drawn of report.relationships) {
      if (!known(drawn.from) || !known(drawn.to)) continue;
      const definition = `${check}/${drawn.kind}/${drawn.type}/${drawn.subType}`;
      const id = relationshipId(definition, drawn.from, drawn.to);
      results.relationships.set(id, { id, definition: check, ...drawn });
    }
  }
  return results;
}

/** What changed between two runs. */
export interface PolicyChanges {
  /** Component ids and `policy:<id>` keys whose findings differ. */
  findings: ReadonlySet<string>;
  /** Relationships drawn or drawn differently. */
  drawn: InferredRelationship[];
  /** Ids of relationships no longer drawn. */
  erased: string[];
}

export class DesignPolicies {
  private results: PolicyResults = { findings: new Map(), relationships: new Map() };
  private running = false;
  private runAgain = false;
  private stopped = false;
  private readonly unsubscribe: () => void;

  /**
   * @param read the design as it is now
   * @param changed told what differs from the previous run
   * @param failed told of anything that went wrong other than a policy failing
   */
  constructor(
    private readonly registry: PolicyRegistry,
    private readonly read: () => PolicyInput,
    private readonly changed: (changes: PolicyChanges) => void,
    private readonly failed: (error: unknown) => void,
  ) {
    this.unsubscribe = registry.onChange(() => this.schedule());
  }

  /** The policy findings held for a component id or a policy's check id. */
  findingsOf(key: string): Finding[] {
    return this.results.findings.get(key) ?? [];
  }

  /** Keys that hold findings about something other than a component: failed policies. */
  policyKeys(): string[] {
    return [...this.results.findings.keys()].filter((key) => key.startsWith(policyCheckId('')));
  }

  /** The relationships policies draw, by id. */
  get relationships(): ReadonlyMap<string, InferredRelationship> {
    return this.results.relationships;
  }

  /** Runs the policies soon, or once more after the run under way. */
  schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.runAgain = true;
      return;
    }
    this.running = true;
    setImmediate(() => void this.run().catch(this.failed));
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
  }

  private async run(): Promise<void> {
    try {
      do {
        this.runAgain = false;
        const next = await evaluatePolicies(this.registry, this.read());
        if (this.stopped) return;
        const changes = differences(this.results, next);
        this.results = next;
        if (changes.findings.size + changes.drawn.length + changes.erased.length > 0) {
          this.changed(changes);
        }
      } while (this.runAgain && !this.stopped);
    } finally {
      this.running = false;
    }
  }
}

const differ = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);

function differences(before: PolicyResults, after: PolicyResults): PolicyChanges {
  const keys = new Set([...before.findings.keys(), ...after.findings.keys()]);
  return {
    findings: new Set(
      [...keys].filter((key) => differ(before.findings.get(key), after.findings.get(key))),
    ),
    drawn: [...after.relationships.values()].filter((relationship) =>
      differ(before.relationships.get(relationship.id), relationship),
    ),
    erased: [...before.relationships.keys()].filter((id) => !after.relationships.has(id)),
  };
}
