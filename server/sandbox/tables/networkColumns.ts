/**
 * The columns of the networking kinds: where a Service can be reached (its type, cluster IP,
 * external IPs and ports), which addresses back it (Endpoints, EndpointSlices), and which hosts
 * an Ingress serves.
 */
import type { KubeObject } from '../kubeObject.js';
import {
  ageOf,
  at,
  count,
  labelsText,
  objects,
  orNone,
  selectorCell,
  strings,
  text,
  type Json,
} from './cells.js';
import {
  ageColumn,
  column,
  doc,
  nameColumn,
  printer,
  wideColumn,
  type Printer,
} from './printer.js';

/** The first `max` items joined with commas, then ` + 4 more...` for the rest. */
function firstFew(items: string[], max: number, total = items.length): string {
  const shown = items.slice(0, max).join(',');
  return total > max ? `${shown} + ${total - max} more...` : shown;
}

/** The distinct IPs (or host names) of a load balancer's ingress points, comma-separated. */
const loadBalancerText = (status: unknown): string =>
  [
    ...new Set(
      objects(at(status, 'loadBalancer', 'ingress'))
        .map((point) => text(point.ip) || text(point.hostname))
        .filter((address) => address !== ''),
    ),
  ].join(',');

function externalIp(service: KubeObject): string {
  const externalIps = strings(at(service.spec, 'externalIPs'));
  switch (text(at(service.spec, 'type'))) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIps.join(',') || '<none>';
    case 'LoadBalancer': {
      const balanced = loadBalancerText(service.status);
      const all = [...(balanced ? balanced.split(',') : []), ...externalIps];
      return all.join(',') || '<pending>';
    }
    case 'ExternalName':
      return text(at(service.spec, 'externalName'));
    default:
      return '<unknown>';
  }
}

/** `80/TCP,443:30443/TCP`: each port, with its node port when it has one. */
const portsText = (ports: Json[]): string =>
  ports
    .map((port) => {
      const protocol = text(port.protocol) || 'TCP';
      const nodePort = count(port.nodePort);
      return nodePort > 0
        ? `${count(port.port)}:${nodePort}/${protocol}`
        : `${count(port.port)}/${protocol}`;
    })
    .join(',');

/** `kubectl get services`: TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S); wide SELECTOR. */
export const servicePrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Type', 'string', doc('core.v1.ServiceSpec', 'type')),
    column('Cluster-IP', 'string', doc('core.v1.ServiceSpec', 'clusterIP')),
    column('External-IP', 'string', doc('core.v1.ServiceSpec', 'externalIPs')),
    column('Port(s)', 'string', doc('core.v1.ServiceSpec', 'ports')),
    ageColumn(),
    wideColumn('Selector', 'string', doc('core.v1.ServiceSpec', 'selector')),
  ],
  (service, now) => [
    service.metadata.name,
    text(at(service.spec, 'type')),
    orNone(strings(at(service.spec, 'clusterIPs'))[0] ?? text(at(service.spec, 'clusterIP'))),
    externalIp(service),
    orNone(portsText(objects(at(service.spec, 'ports')))),
    ageOf(service, now),
    labelsText(at(service.spec, 'selector')),
  ],
);

/** `ip:port` for each address and port of each subset, the first three of them. */
function endpointsText(endpoints: KubeObject): string {
  const subsets = objects(endpoints.subsets);
  if (subsets.length === 0) return '<none>';
  const all = subsets.flatMap((subset) => {
    const ips = objects(subset.addresses).map((address) => text(address.ip));
    const ports = objects(subset.ports);
    // A headless Service may have no ports: its addresses alone are listed.
    if (ports.length === 0) return ips;
    const hostPort = (ip: string, port: Json) =>
      `${ip.includes(':') ? `[${ip}]` : ip}:${count(port.port)}`;
    return ports.flatMap((port) => ips.map((ip) => hostPort(ip, port)));
  });
  return firstFew(all, 3);
}

/** `kubectl get endpoints`: ENDPOINTS. */
export const endpointsPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Endpoints', 'string', doc('core.v1.Endpoints', 'subsets')),
    ageColumn(),
  ],
  (endpoints, now) => [endpoints.metadata.name, endpointsText(endpoints), ageOf(endpoints, now)],
);

/** A list of the first three, or `<unset>` when empty, as EndpointSlices show theirs. */
const sliceListText = (items: string[]): string => firstFew(items, 3) || '<unset>';

/** `kubectl get endpointslices`: ADDRESSTYPE, PORTS, ENDPOINTS. */
export const endpointSlicePrinter: Printer = printer(
  () => [
    nameColumn(),
    column('AddressType', 'string', doc('discovery.v1.EndpointSlice', 'addressType')),
    column('Ports', 'string', doc('discovery.v1.EndpointSlice', 'ports')),
    column('Endpoints', 'string', doc('discovery.v1.EndpointSlice', 'endpoints')),
    ageColumn(),
  ],
  (slice, now) => [
    slice.metadata.name,
    text(slice.addressType),
    sliceListText(
      objects(slice.ports).map((port) =>
        typeof port.port === 'number' ? String(port.port) : text(port.name) || '*',
      ),
    ),
    sliceListText(objects(slice.endpoints).flatMap((endpoint) => strings(endpoint.addresses))),
    ageOf(slice, now),
  ],
);

/** The first three hosts the Ingress's rules name; `*` when none names one. */
function hostsText(ingress: KubeObject): string {
  const rules = objects(at(ingress.spec, 'rules'));
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === 3) more = true;
    if (!more && text(rule.host)) hosts.push(text(rule.host));
  }
  if (hosts.length === 0) return '*';
  // kubectl counts the rules past the third, hosts or not.
  return more ? `${hosts.join(',')} + ${rules.length - 3} more...` : hosts.join(',');
}

/** `kubectl get ingresses`: CLASS, HOSTS, ADDRESS, PORTS. */
export const ingressPrinter: Printer = printer(
  () => [
    nameColumn(),
    column(
      'Class',
      'string',
      'The name of the IngressClass resource that should be used for additional configuration',
    ),
    column(
      'Hosts',
      'string',
      'Hosts that incoming requests are matched against before the ingress rule',
    ),
    column(
      'Address',
      'string',
      'Address is a list containing ingress points for the load-balancer',
    ),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    ageColumn(),
  ],
  (ingress, now) => [
    ingress.metadata.name,
    text(at(ingress.spec, 'ingressClassName')) || '<none>',
    hostsText(ingress),
    loadBalancerText(ingress.status),
    objects(at(ingress.spec, 'tls')).length > 0 ? '80, 443' : '80',
    ageOf(ingress, now),
  ],
);

/** `Kind.group/name` of an IngressClass's parameters, or `<none>`. */
function parametersText(ingressClass: KubeObject): string {
  const parameters = at(ingressClass.spec, 'parameters');
  if (parameters === undefined) return '<none>';
  const group = text(at(parameters, 'apiGroup'));
  const kind = text(at(parameters, 'kind'));
  return `${group ? `${kind}.${group}` : kind}/${text(at(parameters, 'name'))}`;
}

/** `kubectl get ingressclasses`: CONTROLLER, PARAMETERS. */
export const ingressClassPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageColumn(),
  ],
  (ingressClass, now) => [
    ingressClass.metadata.name,
    text(at(ingressClass.spec, 'controller')),
    parametersText(ingressClass),
    ageOf(ingressClass, now),
  ],
);

/** `kubectl get networkpolicies`: POD-SELECTOR. */
export const networkPolicyPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Pod-Selector', 'string', doc('networking.v1.NetworkPolicySpec', 'podSelector')),
    ageColumn(),
  ],
  (policy, now) => [
    policy.metadata.name,
    selectorCell(at(policy.spec, 'podSelector')),
    ageOf(policy, now),
  ],
);
