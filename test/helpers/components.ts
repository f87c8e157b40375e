/** Components for engine and check tests. */
import type { Component, JsonObject } from '../../shared/design/model.js';

/** A Kubernetes component in namespace `shop`; its id is `kind/name` unless `extra` says. */
export function component(
  kind: string,
  name: string,
  config: JsonObject = {},
  extra: Partial<Component> = {},
): Component {
  return {
    id: `${kind}/${name}`,
    model: 'kubernetes',
    apiVersion: 'v1',
    kind,
    name,
    namespace: 'shop',
    labels: {},
    annotations: {},
    config,
    ...extra,
  };
}
