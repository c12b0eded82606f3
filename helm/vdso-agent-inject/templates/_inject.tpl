{{/*
Named templates that inject vdso-agent into YOUR pod spec (helm/README.md, "Injecting the agent").
Each takes the root context (.), or for vdso-agent.env a dict with the container's own env list:
  {{- include "vdso-agent.env" (dict "context" $ "env" .Values.env) | nindent 12 }}
*/}}


{{/*
The agent settings as YAML: this library's defaults merged under .Values.vdso-agent-inject (Helm puts
a dependency's values there), from the root context.
*/}}
{{- define "vdso-agent.agentValues" -}}
{{- $root := . }}
{{- if and (kindIs "map" .) (hasKey . "context") }}{{- $root = .context }}{{- end }}
{{- $values := index $root.Values "vdso-agent-inject" }}
{{- if not $values }}
{{- fail "vdso-agent: list vdso-agent-inject as a dependency of this chart (helm/README.md)" }}
{{- end }}
{{- $agent := $values.agent }}
{{- range $key := list "basic-auth-password" "tls-keystore-password" "basic-auth-user" "tls-keystore" "basic-auth-password-file" "tls-key-file" "tls-cert-file" }}
{{- if hasKey ($agent.args | default dict) $key }}
{{- fail (printf "vdso-agent: agent.args.%s would put it on every JVM's command line and in its \"Picked up JAVA_TOOL_OPTIONS\" line; use agent.basicAuth / agent.tls with a Secret" $key) }}
{{- end }}
{{- end }}
{{- if and (not $agent.hostDetail) (dig "nodeMode" "enabled" false ($root.Values | toYaml | fromYaml)) }}
{{- /* the vdso-agent chart's own pods (the demo) while its node-mode DaemonSet publishes the kernel's detail */}}
{{- $agent = merge (dict "hostDetail" "summary") (deepCopy $agent) }}
{{- end }}
{{- toYaml $agent }}
{{- end }}

{{/* The image reference: repository:tag, or repository@digest when a digest is set. */}}
{{- define "vdso-agent.image" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml }}
{{- if $agent.image.digest }}
{{- printf "%s@%s" $agent.image.repository $agent.image.digest }}
{{- else }}
{{- printf "%s:%s" $agent.image.repository ($agent.image.tag | toString) }}
{{- end }}
{{- end }}

{{/*
The agent's part of JAVA_TOOL_OPTIONS:
  -javaagent:/vdso-agent/vdso-agent.jar=port=9419[,key=value...] -Djffi.extract.dir=/vdso-agent-tmp [extra]
*/}}
{{- define "vdso-agent.javaagentOption" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml }}
{{- $args := list (printf "port=%v" $agent.port) }}
{{- if and $agent.hostDetail (not (hasKey ($agent.args | default dict) "host-detail")) }}
{{- $args = append $args (printf "host-detail=%s" $agent.hostDetail) }}
{{- end }}
{{- range $key, $value := $agent.args }}
{{- $args = append $args (printf "%s=%v" $key $value) }}
{{- end }}
{{- if $agent.basicAuth.enabled }}
{{- $args = append $args (printf "basic-auth-password-file=%s/%s" $agent.basicAuth.mountPath $agent.basicAuth.passwordKey) }}
{{- end }}
{{- if $agent.tls.enabled }}
{{- $args = append $args (printf "tls-cert-file=%s/%s" $agent.tls.mountPath $agent.tls.certKey) }}
{{- $args = append $args (printf "tls-key-file=%s/%s" $agent.tls.mountPath $agent.tls.keyKey) }}
{{- end }}
{{- $option := printf "-javaagent:%s/vdso-agent.jar=%s -Djffi.extract.dir=%s" $agent.mountPath (join "," $args) $agent.scratch.mountPath }}
{{- trim (printf "%s %s" $option ($agent.extraJavaToolOptions | default "")) }}
{{- end }}

{{/* initContainers item: copies /vdso-agent.jar from the agent image into the shared volume. */}}
{{- define "vdso-agent.initContainer" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml -}}
- name: vdso-agent-init
  image: {{ include "vdso-agent.image" . | quote }}
  imagePullPolicy: {{ $agent.image.pullPolicy }}
  command: ["/bin/busybox", "cp", "/vdso-agent.jar", {{ printf "%s/vdso-agent.jar" $agent.mountPath | quote }}]
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

{{/*
volumes items: the jar's emptyDir, the agent's scratch emptyDir, and the auth and TLS Secrets if enabled
(only the keys the agent reads; 0444 because the JVM runs as any non-root user, and without an fsGroup a
group-only mode would leave the file unreadable: the agent would then keep its endpoint off).
*/}}
{{- define "vdso-agent.volume" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml -}}
- name: {{ $agent.volumeName }}
  emptyDir:
    sizeLimit: {{ $agent.volumeSizeLimit }}
- name: {{ $agent.scratch.volumeName }}
  emptyDir:
    sizeLimit: {{ $agent.scratch.sizeLimit }}
{{- if $agent.basicAuth.enabled }}
- name: {{ $agent.basicAuth.volumeName }}
  secret:
    secretName: {{ required "agent.basicAuth.existingSecret: the Secret with the user and password" $agent.basicAuth.existingSecret }}
    defaultMode: 0444
    items:
      - key: {{ $agent.basicAuth.passwordKey }}
        path: {{ $agent.basicAuth.passwordKey }}
{{- end }}
{{- if $agent.tls.enabled }}
- name: {{ $agent.tls.volumeName }}
  secret:
    secretName: {{ required "agent.tls.existingSecret: a kubernetes.io/tls Secret (tls.crt, tls.key)" $agent.tls.existingSecret }}
    defaultMode: 0444
    items:
      - key: {{ $agent.tls.certKey }}
        path: {{ $agent.tls.certKey }}
      - key: {{ $agent.tls.keyKey }}
        path: {{ $agent.tls.keyKey }}
{{- end }}
{{- end }}

{{/* volumeMounts items for the JVM container: the jar (read-only), the scratch space, auth and TLS files. */}}
{{- define "vdso-agent.volumeMount" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml -}}
- name: {{ $agent.volumeName }}
  mountPath: {{ $agent.mountPath }}
  readOnly: true
- name: {{ $agent.scratch.volumeName }}
  mountPath: {{ $agent.scratch.mountPath }}
{{- if $agent.basicAuth.enabled }}
- name: {{ $agent.basicAuth.volumeName }}
  mountPath: {{ $agent.basicAuth.mountPath }}
  readOnly: true
{{- end }}
{{- if $agent.tls.enabled }}
- name: {{ $agent.tls.volumeName }}
  mountPath: {{ $agent.tls.mountPath }}
  readOnly: true
{{- end }}
{{- end }}

{{/*
env items for the JVM container: JAVA_TOOL_OPTIONS (every JVM in it loads the agent) and, with basic
auth, the user name as secretKeyRef (the password and TLS key are files, never env). Given (dict "context" $ "env" LIST), it renders LIST too, with an existing
JAVA_TOOL_OPTIONS merged into one entry (yours first, then the agent's) instead of a second entry
that would replace it. (dict ... "javaToolOptions" "...") keeps a value your image sets in ENV.
*/}}
{{- define "vdso-agent.env" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml -}}
{{- $existing := list }}
{{- $base := "" }}
{{- if and (kindIs "map" .) (hasKey . "context") }}
{{- $existing = .env | default list }}
{{- $base = .javaToolOptions | default "" }}
{{- end }}
{{- range $entry := $existing }}
{{- if eq $entry.name "JAVA_TOOL_OPTIONS" }}
{{- if hasKey $entry "valueFrom" }}
{{- fail "vdso-agent: JAVA_TOOL_OPTIONS comes from valueFrom; the agent option cannot be merged into it: pass its value as javaToolOptions" }}
{{- end }}
{{- $base = trim (printf "%s %s" $base ($entry.value | default "")) }}
{{- end }}
{{- end }}
{{- $entries := list }}
{{- range $entry := $existing }}
{{- if ne $entry.name "JAVA_TOOL_OPTIONS" }}
{{- $entries = append $entries $entry }}
{{- end }}
{{- end }}
{{- $entries = append $entries (dict "name" "JAVA_TOOL_OPTIONS" "value" (trim (printf "%s %s" $base (include "vdso-agent.javaagentOption" .)))) }}
{{- if $agent.basicAuth.enabled }}
{{- $secret := required "agent.basicAuth.existingSecret: the Secret with the user and password" $agent.basicAuth.existingSecret }}
{{- $entries = append $entries (dict "name" "VDSO_AGENT_BASIC_AUTH_USER" "valueFrom" (dict "secretKeyRef" (dict "name" $secret "key" $agent.basicAuth.userKey))) }}
{{- end }}
{{- toYaml $entries }}
{{- end }}

{{/* ports item for the JVM container: the agent's /metrics, named for the PodMonitor. */}}
{{- define "vdso-agent.containerPort" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml -}}
- name: {{ $agent.portName }}
  containerPort: {{ $agent.port }}
  protocol: TCP
{{- end }}

{{/*
ports item for YOUR Service in front of the pods, when the fleet chart scrapes through a ServiceMonitor
(serviceMonitor.enabled): the agent port under the name the ServiceMonitor scrapes. Label the Service
with vdso-agent.podLabels so the ServiceMonitor selects it.
*/}}
{{- define "vdso-agent.servicePort" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml -}}
- name: {{ $agent.portName }}
  port: {{ $agent.port }}
  targetPort: {{ $agent.portName }}
  protocol: TCP
{{- end }}

{{/* Pod labels the PodMonitor selects by default: agent.podLabels, or vdso-agent.io/scrape: "true". */}}
{{- define "vdso-agent.podLabels" -}}
{{- $agent := include "vdso-agent.agentValues" . | fromYaml }}
{{- toYaml ($agent.podLabels | default (dict "vdso-agent.io/scrape" "true")) }}
{{- end }}

{{/*
A pod securityContext that meets the "restricted" Pod Security Standard (non-root, RuntimeDefault
seccomp); the init container carries the container-level fields itself. Use it when your pod has none:
  securityContext:
    {{- include "vdso-agent.podSecurityContext" . | nindent 8 }}
*/}}
{{- define "vdso-agent.podSecurityContext" -}}
runAsNonRoot: true
seccompProfile:
  type: RuntimeDefault
{{- end }}
