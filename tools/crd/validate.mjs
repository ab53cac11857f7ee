// Validate custom resources against the prometheus-operator and KEDA CRD schemas.
// stdin: a JSON array of manifests; stdout: a JSON array of {kind, name, errors} (errors empty when valid).
// A manifest of a kind no schema here covers is reported as an error, not skipped.
import * as monitoring from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import * as keda from "@kubernetes-models/keda/keda.sh/v1alpha1";

const groups = { "monitoring.coreos.com/v1": monitoring, "keda.sh/v1alpha1": keda };

let input = "";
for await (const chunk of process.stdin) input += chunk;

const results = JSON.parse(input).map((manifest) => {
  const kind = manifest.kind;
  const name = manifest.metadata?.name;
  const Model = groups[manifest.apiVersion]?.[kind];
  if (!Model) return { kind, name, errors: [`no schema for ${manifest.apiVersion} ${kind}`] };
  try {
    new Model(manifest).validate();
    return { kind, name, errors: [] };
  } catch (error) {
    return { kind, name, errors: [error.message] };
  }
});
process.stdout.write(JSON.stringify(results));
