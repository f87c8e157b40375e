/** Small Kubernetes manifests tests import as designs. */

export const WEB_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default, labels: { app: web } }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: app, image: "nginx:1.27" }]
`;

export const WEB_SERVICE = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec:
  selector: { app: web }
  ports: [{ port: 80 }]
`;

export const SETTINGS = `apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: default }
data: { mode: fast }
`;

/** The web Deployment in a Namespace of its own. */
export const SHOP_NAMESPACE = `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
${WEB_DEPLOYMENT.replace('namespace: default', 'namespace: shop')}`;
