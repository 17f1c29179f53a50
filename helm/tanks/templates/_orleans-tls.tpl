{{/*
Orleans TLS (silo <-> silo, gateway <-> silo): the Secret with tls.crt, tls.key and ca.crt, and what a pod of the
silo or a gateway needs to use it. Included with one line each from silo-deployment.yaml and gateways.yaml.
*/}}
{{- define "tanks.orleansTls.secretName" -}}
{{- .Values.orleansTls.existingSecret | default (printf "%s-orleans-tls" (include "tanks.fullname" .)) -}}
{{- end }}

{{- define "tanks.orleansTls.mountPath" -}}/etc/tanks/orleans-tls{{- end }}

{{/* OrleansTls__* for the .NET process: on with the mounted files, or off. */}}
{{- define "tanks.orleansTls.env" -}}
- name: OrleansTls__Enabled
  value: {{ .Values.orleansTls.enabled | quote }}
{{- if .Values.orleansTls.enabled }}
- name: OrleansTls__CertificatePath
  value: {{ include "tanks.orleansTls.mountPath" . }}/tls.crt
- name: OrleansTls__KeyPath
  value: {{ include "tanks.orleansTls.mountPath" . }}/tls.key
- name: OrleansTls__CaCertificatePath
  value: {{ include "tanks.orleansTls.mountPath" . }}/ca.crt
{{- end }}
{{- end }}

{{- define "tanks.orleansTls.volumeMount" -}}
{{- if .Values.orleansTls.enabled -}}
- name: orleans-tls
  mountPath: {{ include "tanks.orleansTls.mountPath" . }}
  readOnly: true
{{- end }}
{{- end }}

{{/* Only the member's certificate, its key and the CA certificate: the CA's key (ca.key) never reaches a pod. */}}
{{- define "tanks.orleansTls.volume" -}}
{{- if .Values.orleansTls.enabled -}}
- name: orleans-tls
  secret:
    secretName: {{ include "tanks.orleansTls.secretName" . }}
    defaultMode: 0440
    items:
      - key: tls.crt
        path: tls.crt
      - key: tls.key
        path: tls.key
      - key: ca.crt
        path: ca.crt
{{- end }}
{{- end }}

{{/* Rolls the pods when the generated certificates change (a renewal); an existing Secret is the operator's to roll. */}}
{{- define "tanks.orleansTls.checksum" -}}
{{- if and .Values.orleansTls.enabled (not .Values.orleansTls.existingSecret) -}}
checksum/orleans-tls: {{ include (print .Template.BasePath "/orleans-tls-secret.yaml") . | sha256sum | trunc 16 }}
{{- end }}
{{- end }}
