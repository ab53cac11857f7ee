{{/*
Pod template of every role. Call with
  (dict "root" $ "role" "worker" "values" .Values.worker "args" (list "worker") "ports" … "env" … "probes" …).
Settings come from the ConfigMap; secrets from existing Secrets, never from values.
*/}}
{{- define "undercurrent.podTemplate" -}}
{{- $root := .root -}}
{{- $kafka := $root.Values.kafka -}}
{{- $values := .values -}}
metadata:
  labels:
    {{- include "undercurrent.roleSelectorLabels" (dict "root" $root "role" .role) | nindent 4 }}
    {{- if ne .role "web" }}
    undercurrent.io/metrics: "true"
    {{- end }}
    {{- with (merge (dict) $values.podLabels $root.Values.podLabels) }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    {{- with $values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "undercurrent.serviceAccountName" $root }}
  automountServiceAccountToken: false
  {{- with (default $root.Values.priorityClassName $values.priorityClassName) }}
  priorityClassName: {{ . }}
  {{- end }}
  terminationGracePeriodSeconds: {{ $values.terminationGracePeriodSeconds }}
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  containers:
    - name: {{ .role }}
      image: {{ include "undercurrent.image" $root }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      args: {{ toJson .args }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      envFrom:
        - configMapRef:
            name: {{ include "undercurrent.fullname" $root }}
        {{- with $root.Values.extraEnvFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      env:
        - name: UNDERCURRENT_REDIS_URL
          valueFrom:
            secretKeyRef:
              name: {{ required "redis.existingSecret is required" $root.Values.redis.existingSecret }}
              key: {{ $root.Values.redis.urlKey }}
        {{- if hasPrefix "SASL_" $kafka.securityProtocol }}
        - name: UNDERCURRENT_KAFKA__SASL_USERNAME
          valueFrom:
            secretKeyRef:
              name: {{ required "kafka.sasl.existingSecret is required for SASL" $kafka.sasl.existingSecret }}
              key: {{ $kafka.sasl.usernameKey }}
        - name: UNDERCURRENT_KAFKA__SASL_PASSWORD
          valueFrom:
            secretKeyRef:
              name: {{ $kafka.sasl.existingSecret }}
              key: {{ $kafka.sasl.passwordKey }}
        {{- end }}
        {{- with .env }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with .ports }}
      ports:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- range $kind, $probe := .probes }}
      {{- $settings := get $values (printf "%sProbe" $kind) }}
      {{- if $settings.enabled }}
      {{ $kind }}Probe:
        {{- toYaml (merge (omit $settings "enabled") $probe) | nindent 8 }}
      {{- end }}
      {{- end }}
      resources:
        {{- toYaml $values.resources | nindent 8 }}
      workingDir: /var/lib/undercurrent
      volumeMounts:
        - name: data
          mountPath: /var/lib/undercurrent
        - name: tmp
          mountPath: /tmp
        {{- if $kafka.tls.existingSecret }}
        - name: kafka-tls
          mountPath: /etc/undercurrent/kafka-tls
          readOnly: true
        {{- end }}
        {{- with $root.Values.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    # faust keeps its local state in the working directory; the root filesystem is read-only.
    - name: data
      emptyDir: {}
    - name: tmp
      emptyDir: {}
    {{- if $kafka.tls.existingSecret }}
    - name: kafka-tls
      secret:
        secretName: {{ $kafka.tls.existingSecret }}
    {{- end }}
    {{- with $root.Values.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if $values.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml $values.topologySpreadConstraints | nindent 4 }}
  {{- else }}
  # Default: spread the role's pods over nodes and zones where the scheduler can.
  topologySpreadConstraints:
    {{- range $key := list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
    - maxSkew: 1
      topologyKey: {{ $key }}
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "undercurrent.roleSelectorLabels" (dict "root" $root "role" $.role) | nindent 10 }}
    {{- end }}
  {{- end }}
{{- end }}

{{/* A role's Deployment: replicas (unless KEDA scales it), rollout strategy and the pod template. */}}
{{- define "undercurrent.deployment" -}}
{{- $root := .root -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "undercurrent.componentName" (dict "root" $root "suffix" .role) }}
  labels:
    {{- include "undercurrent.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .role }}
spec:
  {{- if not (include "undercurrent.autoscaled" (dict "root" $root "role" .role)) }}
  replicas: {{ .values.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    {{- toYaml .values.strategy | nindent 4 }}
  selector:
    matchLabels:
      {{- include "undercurrent.roleSelectorLabels" (dict "root" $root "role" .role) | nindent 6 }}
  template:
    {{- include "undercurrent.podTemplate" . | nindent 4 }}
{{- end }}
