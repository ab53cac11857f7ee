{{/* Chart name, truncated to the 63 characters a DNS label allows. */}}
{{- define "undercurrent.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every resource name, at most 63 characters. */}}
{{- define "undercurrent.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of one component's resource: the full name cut so that "-<suffix>" still fits in 63
characters, so long release names never lose or merge suffixes.
Call with (dict "root" $ "suffix" "worker").
*/}}
{{- define "undercurrent.componentName" -}}
{{- $base := include "undercurrent.fullname" .root | trunc (int (sub 62 (len .suffix))) | trimSuffix "-" }}
{{- printf "%s-%s" $base .suffix }}
{{- end }}

{{- define "undercurrent.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "undercurrent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "undercurrent.selectorLabels" -}}
app.kubernetes.io/name: {{ include "undercurrent.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of one role's pods. Call with (dict "root" $ "role" "worker"). */}}
{{- define "undercurrent.roleSelectorLabels" -}}
{{ include "undercurrent.selectorLabels" .root }}
app.kubernetes.io/component: {{ .role }}
{{- end }}

{{- define "undercurrent.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "undercurrent.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "undercurrent.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* Job label of the scraped workers: one per installation, so two releases never share series. */}}
{{- define "undercurrent.jobName" -}}
{{- default (include "undercurrent.fullname" .) .Values.metrics.serviceMonitor.jobName }}
{{- end }}

{{/* Consumer group of a role's faust app (the ingest app id; the judge app adds "-judge"). */}}
{{- define "undercurrent.consumerGroup" -}}
{{- if eq .role "judge" }}{{ printf "%s-judge" .root.Values.config.appId }}{{ else }}{{ .root.Values.config.appId }}{{ end }}
{{- end }}

{{/* "true" when a role is scaled by KEDA: enabled in values and the ScaledObject CRD is installed. */}}
{{- define "undercurrent.autoscaled" -}}
{{- $autoscaling := (get .root.Values .role).autoscaling }}
{{- if and $autoscaling $autoscaling.enabled (.root.Capabilities.APIVersions.Has "keda.sh/v1alpha1/ScaledObject") }}true{{ end }}
{{- end }}

{{/* Kafka credentials KEDA needs: "true" when SASL is on or a TLS Secret is mounted. */}}
{{- define "undercurrent.kedaAuth" -}}
{{- if or (hasPrefix "SASL_" .Values.kafka.securityProtocol) .Values.kafka.tls.existingSecret }}true{{ end }}
{{- end }}
