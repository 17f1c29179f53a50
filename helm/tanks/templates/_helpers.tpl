{{/* Chart name. */}}
{{- define "tanks.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name (release-prefixed unless the release name already contains the chart name). */}}
{{- define "tanks.fullname" -}}
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

{{- define "tanks.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Common labels. */}}
{{- define "tanks.labels" -}}
helm.sh/chart: {{ include "tanks.chart" . }}
app.kubernetes.io/name: {{ include "tanks.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tanks
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of one component: include "tanks.selectorLabels" (dict "ctx" $ "component" "silo") */}}
{{- define "tanks.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tanks.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* All labels of one component. */}}
{{- define "tanks.componentLabels" -}}
{{ include "tanks.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "tanks.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tanks.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image reference: include "tanks.image" (dict "image" .Values.silo.image "ctx" $) */}}
{{- define "tanks.image" -}}
{{- $tag := default .ctx.Chart.AppVersion .image.tag -}}
{{- if .image.digest -}}
{{ .image.repository }}@{{ .image.digest }}
{{- else -}}
{{ .image.repository }}:{{ $tag }}
{{- end -}}
{{- end }}

{{- define "tanks.secretName" -}}
{{- default (printf "%s-secrets" (include "tanks.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{- define "tanks.redis.fullname" -}}
{{- printf "%s-redis" (include "tanks.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Redis__ConnectionString. */}}
{{- define "tanks.redis.connectionString" -}}
{{- if .Values.redis.enabled -}}
{{ include "tanks.redis.fullname" . }}:{{ .Values.redis.port }}
{{- else -}}
{{ required "redis.externalConnectionString is required when redis.enabled=false" .Values.redis.externalConnectionString }}
{{- end -}}
{{- end }}

{{/* Redis credentials of silo and gateways: the user, the password from the Secret (never a ConfigMap), TLS. */}}
{{- define "tanks.redis.authEnv" -}}
{{- if and .Values.redis.enabled (not .Values.redis.auth.enabled) }}
{{- fail "redis.auth.enabled=false is only for an external Redis: the chart's Redis always requires a password" }}
{{- end }}
{{- if .Values.redis.auth.enabled }}
- name: Redis__User
  value: {{ .Values.redis.auth.user | quote }}
- name: Redis__Password
  valueFrom:
    secretKeyRef:
      name: {{ include "tanks.secretName" . }}
      key: redis-password
{{- end }}
{{- if .Values.redis.tls.enabled }}
- name: Redis__Tls
  value: "true"
{{- end }}
{{- end }}

{{/* The same credentials for redis-cli (Redis pod, backup, restore): REDISCLI_AUTH, never a command-line argument. */}}
{{- define "tanks.redis.cliAuthEnv" -}}
- name: REDIS_USER
  value: {{ .Values.redis.auth.user | quote }}
- name: REDISCLI_AUTH
  valueFrom:
    secretKeyRef:
      name: {{ include "tanks.secretName" . }}
      key: redis-password
{{- end }}

{{/* Redis data PVC of the StatefulSet's only replica (volumeClaimTemplate "data"). */}}
{{- define "tanks.redis.dataClaim" -}}
data-{{ include "tanks.redis.fullname" . }}-0
{{- end }}

{{- define "tanks.backup.claimName" -}}
{{- default (printf "%s-backup" (include "tanks.fullname" .)) .Values.backup.persistence.existingClaim }}
{{- end }}

{{/* "hh:mm:ss" from seconds, for HostOptions__ShutdownTimeout. */}}
{{- define "tanks.timespan" -}}
{{- $s := int . -}}
{{- printf "%02d:%02d:%02d" (div $s 3600) (div (mod $s 3600) 60) (mod $s 60) -}}
{{- end }}

{{/* Pod anti-affinity (soft|hard) by component, unless .affinity is set. */}}
{{- define "tanks.affinity" -}}
{{- if .values.affinity }}
{{- toYaml .values.affinity }}
{{- else if eq .values.podAntiAffinity "hard" }}
podAntiAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    - topologyKey: kubernetes.io/hostname
      labelSelector:
        matchLabels:
          {{- include "tanks.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 10 }}
{{- else if eq .values.podAntiAffinity "soft" }}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "tanks.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 12 }}
{{- end }}
{{- end }}

{{/* prometheus.io annotations. */}}
{{- define "tanks.promAnnotations" -}}
{{- if .ctx.Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end }}

{{/* Environment shared by silo and gateways. */}}
{{- define "tanks.commonEnv" -}}
- name: Redis__ConnectionString
  value: {{ include "tanks.redis.connectionString" . | quote }}
{{- include "tanks.redis.authEnv" . | nindent 0 }}
- name: Cluster__ClusterId
  value: {{ .Values.cluster.clusterId | quote }}
- name: Cluster__ServiceId
  value: {{ .Values.cluster.serviceId | quote }}
- name: Cluster__GatewayPort
  value: {{ .Values.silo.ports.gateway | quote }}
- name: Logging__Format
  value: {{ .Values.logging.format | quote }}
- name: DOTNET_gcServer
  value: "1"
{{- end }}

{{/* Netcode env shared by both gateways. */}}
{{- define "tanks.netcodeEnv" -}}
- name: Netcode__PrivateKey
  valueFrom:
    secretKeyRef:
      name: {{ include "tanks.secretName" . }}
      key: netcode-private-key
{{- range $i, $a := .Values.netcode.publicAddresses }}
- name: Netcode__PublicAddresses__{{ $i }}
  value: {{ $a | quote }}
{{- end }}
{{- with .Values.netcode.protocolId }}
- name: Netcode__ProtocolId
  value: {{ . | quote }}
{{- end }}
{{- end }}

{{/*
Gateway.Udp's own address as connect tokens name it (UdpGateway__ServerAddress): gatewayUdp.serverAddress, else
the first netcode.publicAddresses entry (the front's LoadBalancer address), else empty (not set).
*/}}
{{- define "tanks.udpServerAddress" -}}
{{- if .Values.gatewayUdp.serverAddress -}}
{{- .Values.gatewayUdp.serverAddress -}}
{{- else if .Values.netcode.publicAddresses -}}
{{- first .Values.netcode.publicAddresses -}}
{{- end -}}
{{- end }}
