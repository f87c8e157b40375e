/**
 * The relationship definitions shipped for the Kubernetes core model, checked as they load.
 */
import shipped from './kubernetes.json' with { type: 'json' };
import { parseDefinitions } from './definition.js';

export const KUBERNETES_RELATIONSHIPS = parseDefinitions(
  shipped,
  'shared/relationships/kubernetes.json',
);
