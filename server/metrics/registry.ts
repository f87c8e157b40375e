/**
 * A minimal Prometheus registry: counters, gauges and histograms with optional labels, rendered
 * in the text exposition format. Small enough to own; no global state, so every hub (and every
 * test hub in one process) has its own.
 */

interface Metric {
  render(): string;
}

const escapeLabel = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const header = (name: string, help: string, type: string): string =>
  `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;

/** A counter without labels; `inc` is a field update, cheap enough for per-message paths. */
export class Counter implements Metric {
  private value = 0;
  constructor(
    readonly name: string,
    private readonly help: string,
  ) {}

  inc(amount = 1): void {
    this.value += amount;
  }

  get(): number {
    return this.value;
  }

  render(): string {
    return header(this.name, this.help, 'counter') + `${this.name} ${this.value}\n`;
  }
}

/** A counter split by one label, e.g. `reason`. */
export class LabeledCounter<L extends string> implements Metric {
  private readonly values = new Map<L, number>();
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly label: string,
  ) {}

  inc(value: L, amount = 1): void {
    this.values.set(value, (this.values.get(value) ?? 0) + amount);
  }

  get(value: L): number {
    return this.values.get(value) ?? 0;
  }

  render(): string {
    const lines = [...this.values].map(
      ([value, count]) => `${this.name}{${this.label}="${escapeLabel(value)}"} ${count}`,
    );
    return header(this.name, this.help, 'counter') + lines.map((line) => line + '\n').join('');
  }
}

/** A gauge whose value is read when scraped, so it can never drift from the truth. */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly read: () => number,
  ) {}

  render(): string {
    return header(this.name, this.help, 'gauge') + `${this.name} ${this.read()}\n`;
  }
}

export class Histogram implements Metric {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    const index = this.buckets.findIndex((bound) => value <= bound);
    if (index >= 0) this.counts[index]! += 1;
  }

  render(): string {
    let cumulative = 0;
    const lines = this.buckets.map((bound, i) => {
      cumulative += this.counts[i]!;
      return `${this.name}_bucket{le="${bound}"} ${cumulative}`;
    });
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`);
    lines.push(`${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return header(this.name, this.help, 'histogram') + lines.join('\n') + '\n';
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];

  register<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }

  render(): string {
    return this.metrics.map((metric) => metric.render()).join('');
  }
}
