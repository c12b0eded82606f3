// Validates Kubernetes objects against the real schemas: kubernetes-models (the OpenAPI schemas of
// Kubernetes) and @kubernetes-models/prometheus-operator (the CRDs' schemas).
// Input: a JSON array of objects (file named by argv[2]). Output: one line per object, "ok KIND NAME"
// or "invalid KIND NAME: reason"; exit status 1 when any object is invalid or of an unknown kind.
import { readFileSync } from "node:fs";

const objects = JSON.parse(readFileSync(process.argv[2], "utf8"));
let failed = false;
for (const object of objects) {
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
  const module = group === "monitoring.coreos.com"
    ? `@kubernetes-models/prometheus-operator/${group}/${version}/${object.kind}`
    : `kubernetes-models/${group ? group + "/" : ""}${version}/${object.kind}`;
  const name = `${object.kind} ${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;
  try {
    const model = await import(module);
    new model[object.kind](object).validate();
    console.log(`ok ${name}`);
  } catch (e) {
    failed = true;
    console.log(`invalid ${name}: ${String(e.message).split("\n")[0]}`);
  }
}
process.exit(failed ? 1 : 0);
