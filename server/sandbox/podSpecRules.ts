/**
 * The API server's defaults and checks for pod specs, wherever they appear (in Pods and in the
 * pod templates of every workload kind), and for the selectors that pick those pods.
 */
import { invalidValue, requiredValue, type StatusCause } from './apiStatus.js';
import { asObject, isPlainObject } from './kubeObject.js';
import { SelectorError, selectorFromLabelSelector } from './selectors.js';

export type Spec = Record<string, unknown>;

const containersDefaults = (containers: unknown): unknown =>
  Array.isArray(containers)
    ? containers.map((container) =>
        isPlainObject(container)
          ? {
              imagePullPolicy: String(container.image ?? '').endsWith(':latest')
                ? 'Always'
                : 'IfNotPresent',
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
              ...container,
              ...(Array.isArray(container.ports)
                ? {
                    ports: container.ports.map((port) =>
                      isPlainObject(port) ? { protocol: 'TCP', ...port } : port,
                    ),
                  }
                : {}),
            }
          : container,
      )
    : containers;

export const podSpecDefaults = (spec: Spec): Spec => ({
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  schedulerName: 'default-scheduler',
  securityContext: {},
  ...spec,
  containers: containersDefaults(spec.containers),
  ...(spec.initContainers ? { initContainers: containersDefaults(spec.initContainers) } : {}),
});

/** Pod templates of workload kinds get the same defaults as pods. */
export const templateDefaults = (spec: Spec): Spec => {
  const template = asObject(spec.template);
  return {
    ...spec,
    template: {
      ...template,
      spec: podSpecDefaults(asObject(template.spec)),
    },
  };
};

export function containerProblems(spec: unknown, field: string): StatusCause[] {
  const containers = isPlainObject(spec) ? spec.containers : undefined;
  if (!Array.isArray(containers) || containers.length === 0) {
    return [requiredValue(`${field}.containers`)];
  }
  return containers.flatMap((container, index) => {
    const at = `${field}.containers[${index}]`;
    if (!isPlainObject(container)) return [invalidValue(at, container, 'must be an object')];
    return [
      ...(typeof container.name === 'string' && container.name
        ? []
        : [requiredValue(`${at}.name`)]),
      ...(typeof container.image === 'string' && container.image
        ? []
        : [requiredValue(`${at}.image`)]),
    ];
  });
}

/** A controller's `selector` is required and must select its own pod template. */
export function selectorProblems(spec: Spec): StatusCause[] {
  if (!isPlainObject(spec.selector)) return [requiredValue('spec.selector')];
  let selects: boolean;
  try {
    const template = asObject(spec.template);
    const metadata = asObject(template.metadata);
    selects = selectorFromLabelSelector(spec.selector).matches(
      metadata.labels as Record<string, string> | undefined,
    );
  } catch (error) {
    if (!(error instanceof SelectorError)) throw error;
    return [invalidValue('spec.selector', spec.selector, error.message)];
  }
  return selects
    ? containerProblems((spec.template as Spec | undefined)?.spec, 'spec.template.spec')
    : [
        invalidValue(
          'spec.template.metadata.labels',
          (spec.template as Spec | undefined)?.metadata,
          '`selector` does not match template `labels`',
        ),
      ];
}
