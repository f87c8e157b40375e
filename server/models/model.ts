/**
 * Models: named, versioned sets of component definitions. The registry serves them; schemas are
 * large, so lists leave them out and a component's detail carries its own.
 */
import type { JsonObject } from '../../shared/design/model.js';

export interface ComponentDefinition {
  kind: string;
  apiVersion: string;
  namespaced: boolean;
  category:
    'Workload' | 'Networking' | 'Configuration' | 'Scaling' | 'Storage' | 'Security' | 'Extension';
  description: string;
  /** How the editor draws it. */
  style: { colour: string; shape: 'rounded' | 'container'; icon: string };
  /** JSON Schema (draft-07) of the whole resource, self-contained. */
  schema: JsonObject;
}

export interface Model {
  name: string;
  displayName: string;
  version: string;
  /** Where the definitions come from. */
  source: string;
  components: ComponentDefinition[];
}
