{{/* The chart name, or nameOverride. */}}
{{- define "vdso-agent.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* A release-qualified name for the chart's own objects (63 chars max, the DNS label limit). */}}
{{- define "vdso-agent.fullname" -}}
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

{{/* chart-name-version, as used by the helm.sh/chart label. */}}
{{- define "vdso-agent.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The labels every object of this chart carries. */}}
{{- define "vdso-agent.labels" -}}
helm.sh/chart: {{ include "vdso-agent.chart" . }}
{{ include "vdso-agent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: vdso-agent
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The stable subset of the labels, for selectors. */}}
{{- define "vdso-agent.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vdso-agent.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The namespace of the chart's objects. */}}
{{- define "vdso-agent.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride }}
{{- end }}
