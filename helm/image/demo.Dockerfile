# The image of the chart's optional demo Deployment (demo.image): the clock demo on a JRE.
# Build from the repository root:
#   mvn -B -q package -DskipTests
#   docker build -f helm/image/demo.Dockerfile -t ghcr.io/vdso-agent/clock-demo:0.1.0 .
# The agent is NOT in this image: the chart's init container brings it (JAVA_TOOL_OPTIONS loads it).
FROM eclipse-temurin:17-jre
COPY examples/demo/target/demo.jar /demo.jar
USER 65534:65534
ENTRYPOINT ["java", "-jar", "/demo.jar"]
