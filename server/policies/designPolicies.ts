/**
 * Runs the hub's policies over one design after its changes. Policies run in a worker and take
 * their time, so runs never overlap: changes made during a run ask for one more run, of the
 * design as it is then. Findings are kept by component id; a policy that fails leaves one
 * finding about itself under its check id (`policy:<id>`) instead of findings about components.
 * Relationships a policy draws get ids from the policy, their endpoints and their kind and
 * type, so they stay the same from run to run and can be accepted or rejected like inferred ones.
 */
import type { Finding } from '../../shared/checks/bestPractices.js';
import { asDesignRelationship } from '../../shared/design/derived.js';
import type { Component, DesignContent } from '../../shared/design/model.js';
import { relationshipId, type InferredRelationship } from '../../shared/relationships/engine.js';
import { policyCheckId, type PolicyRegistry } from './policyRegistry.js';
import { PolicyFailure } from './policyRunner.js';

/** What a run needs to know about the design, read when the run starts. */
export interface PolicyInput {
  /** Check ids the design has turned off (a policy's is `policy:<id>`). */
  disabledChecks: ReadonlySet<string>;
  /** The design as plain JSON text, and its component ids: read only if some policy runs. */
  design(): { json: string; componentIds: ReadonlySet<string> };
}

/** What policies are given of a design besides its id. */
export type PolicyDesign = Pick<DesignContent, 'meta' | 'components' | 'layout' | 'relationships'>;

/** Where a run reads the design from. */
export interface PolicySource {
  design: PolicyDesign;
  /** Inferred relationships, those people rejected among them. */
  inferred: Iterable<InferredRelationship>;
  rejected(relationshipId: string): boolean;
}

/**
 * The design as policies see it: the shape of `GET /api/designs/:id` (inferred relationships
 * included, rejected ones not), without the hub's own records and findings. A large design is
 * megabytes of JSON, so it is encoded once per run, only when some policy runs, and components
 * and relationships already encoded in an earlier run are not encoded again.
 */
export function policyInput(
  designId: string,
  read: () => PolicySource,
  disabledChecks: ReadonlySet<string>,
): PolicyInput {
  let encoded: ReturnType<PolicyInput['design']> | undefined;
  return {
    disabledChecks,
    design: () => {
      if (encoded) return encoded;
      const { design, inferred, rejected } = read();
      const { meta, components, layout, relationships } = design;
      const field = (name: string, value: unknown) =>
        `${JSON.stringify(name)}:${JSON.stringify(value)}`;
      const relationshipTexts = relationships.map((relationship) => JSON.stringify(relationship));
      for (const relationship of inferred) {
        if (!rejected(relationship.id)) relationshipTexts.push(inferredJson(relationship));
      }
      const json = [
        `{${field('id', designId)}`,
        field('name', meta.name),
        field('description', meta.description),
        `"components":[${components.map(componentJson).join(',')}]`,
        field('layout', layout),
        `"relationships":[${relationshipTexts.join(',')}]}`,
      ].join(',');
      encoded = { json, componentIds: new Set(components.map((component) => component.id)) };
      return encoded;
    },
  };
}

/**
 * JSON text by object. Components and inferred relationships are never changed in place (the
 * engine holds a new object for every change), so the text of one seen before is still right.
 */
const jsonByObject = new WeakMap<object, string>();

function cachedJson<T extends object>(value: T, encode: (value: T) => unknown): string {
  let text = jsonByObject.get(value);
  if (text === undefined) {
    text = JSON.stringify(encode(value));
    jsonByObject.set(value, text);
  }
  return text;
}

const componentJson = (component: Component): string => cachedJson(component, (c) => c);

const inferredJson = (relationship: InferredRelationship): string =>
  cachedJson(relationship, asDesignRelationship);

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
