{{/*
Pod template of every role. Call with (dict "root" $ "role" "worker" "values" .Values.worker "args" (list "worker")).
Settings come from the ConfigMap; secrets from existing Secrets, never from values.
*/}}
{{- define "undercurrent.podTemplate" -}}
{{- $root := .root -}}
{{- $kafka := $root.Values.kafka -}}
metadata:
  labels:
    {{- include "undercurrent.selectorLabels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .role }}
    {{- if ne .role "web" }}
    undercurrent.io/metrics: "true"
    {{- end }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    {{- with .values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "undercurrent.serviceAccountName" $root }}
  automountServiceAccountToken: false
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
      {{- with .probes }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
      resources:
        {{- toYaml .values.resources | nindent 8 }}
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
  {{- with .values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
