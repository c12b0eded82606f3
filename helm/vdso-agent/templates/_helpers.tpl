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

{{/*
The agent settings as YAML. Works from this chart and from a parent chart that lists vdso-agent as a
dependency: there the values live under .Values.vdso-agent (Helm merges our defaults into them).
*/}}
{{- define "vdso-agent.agentValues" -}}
{{- $values := .Values }}
{{- if hasKey $values "vdso-agent" }}
{{- $values = index $values "vdso-agent" }}
{{- end }}
{{- toYaml $values.agent }}
{{- end }}

{{/* ===== Named templates to include in your own pod spec (see README "Helm") ===== */}}

{{/*
The -javaagent option alone, for merging into a JAVA_TOOL_OPTIONS you already set:
  -javaagent:/vdso-agent/vdso-agent.jar=port=9419[,key=value...]
*/}}
{{- define "vdso-agent.javaagentOption" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml }}
{{- $args := list (printf "port=%v" $agent.port) }}
{{- range $key, $value := $agent.args }}
{{- $args = append $args (printf "%s=%v" $key $value) }}
{{- end }}
{{- printf "-javaagent:%s/vdso-agent.jar=%s" $agent.mountPath (join "," $args) }}
{{- end }}

{{/* initContainers item: copies /vdso-agent.jar from the agent image into the shared volume. */}}
{{- define "vdso-agent.initContainer" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml -}}
- name: vdso-agent-init
  image: {{ printf "%s:%s" $agent.image.repository ($agent.image.tag | toString) | quote }}
  imagePullPolicy: {{ $agent.image.pullPolicy }}
  command: ["cp", "/vdso-agent.jar", {{ printf "%s/vdso-agent.jar" $agent.mountPath | quote }}]
  volumeMounts:
    - name: {{ $agent.volumeName }}
      mountPath: {{ $agent.mountPath }}
  {{- with $agent.initContainer.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $agent.initContainer.securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/* volumes item: the emptyDir that carries the jar from the init container to the app container. */}}
{{- define "vdso-agent.volume" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml -}}
- name: {{ $agent.volumeName }}
  emptyDir:
    sizeLimit: {{ $agent.volumeSizeLimit }}
{{- end }}

{{/* volumeMounts item for the JVM container (read-only). */}}
{{- define "vdso-agent.volumeMount" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml -}}
- name: {{ $agent.volumeName }}
  mountPath: {{ $agent.mountPath }}
  readOnly: true
{{- end }}

{{/* env item for the JVM container: every JVM in it loads the agent. */}}
{{- define "vdso-agent.env" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml -}}
- name: JAVA_TOOL_OPTIONS
  value: {{ trim (printf "%s %s" (include "vdso-agent.javaagentOption" .) ($agent.extraJavaToolOptions | default "")) | quote }}
{{- end }}

{{/* ports item for the JVM container: the agent's /metrics, named for the PodMonitor. */}}
{{- define "vdso-agent.containerPort" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml -}}
- name: {{ $agent.portName }}
  containerPort: {{ $agent.port }}
  protocol: TCP
{{- end }}

{{/* Pod labels the PodMonitor selects by default: agent.podLabels, or vdso-agent.io/scrape: "true". */}}
{{- define "vdso-agent.podLabels" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml }}
{{- toYaml ($agent.podLabels | default (dict "vdso-agent.io/scrape" "true")) }}
{{- end }}
