/**
 * Environments: named groups of connections ("staging" = two clusters), so that a design can be
 * deployed to all of them at once. Kept in LMDB. A connection removed later simply drops out of
 * every environment that named it.
 */
import { newId } from '../../shared/ids.js';
import type { Environment } from '../../shared/operate/connections.js';
import { objectWith, textField } from '../bodyFields.js';
import { notFound } from '../errors.js';
import type { KeyedRecords } from '../store/keyedRecords.js';
import { connectionIds } from './connectionInput.js';

const FIELDS = new Set(['name', 'connections']);
const MAX_NAME_LENGTH = 200;

export class Environments {
  private readonly byId: Map<string, Environment>;

  constructor(
    private readonly stored: KeyedRecords<Environment>,
    /** Whether a connection id names a connection the hub has now. */
    private readonly connectionExists: (id: string) => boolean,
  ) {
    this.byId = new Map(stored.list().map((environment) => [environment.id, environment]));
  }

  list(): Environment[] {
    return [...this.byId.values()].map((environment) => this.current(environment));
  }

  get(id: string): Environment {
    return this.current(this.environment(id));
  }

  async create(body: unknown): Promise<Environment> {
    const fields = objectWith(body, FIELDS);
    const environment: Environment = {
      id: newId(),
      name: textField(fields.name, 'name', MAX_NAME_LENGTH, true),
      connections: connectionIds(fields.connections ?? [], this.connectionExists),
    };
    return this.keep(environment);
  }

  async update(id: string, body: unknown): Promise<Environment> {
    const existing = this.environment(id);
    const fields = objectWith(body, FIELDS);
    return this.keep({
      ...existing,
      ...(fields.name === undefined
        ? {}
        : { name: textField(fields.name, 'name', MAX_NAME_LENGTH, true) }),
      ...(fields.connections === undefined
        ? {}
        : { connections: connectionIds(fields.connections, this.connectionExists) }),
    });
  }

  async remove(id: string): Promise<void> {
    this.environment(id);
    await this.stored.remove(id);
    this.byId.delete(id);
  }

  private async keep(environment: Environment): Promise<Environment> {
    await this.stored.put(environment);
    this.byId.set(environment.id, environment);
    return this.current(environment);
  }

  private environment(id: string): Environment {
    const environment = this.byId.get(id);
    if (!environment) throw notFound('environment', id);
    return environment;
  }

  /** The environment as it stands: without connections removed since it was saved. */
  private current(environment: Environment): Environment {
    return {
      ...environment,
      connections: environment.connections.filter(this.connectionExists),
    };
  }
}
