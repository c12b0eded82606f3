package io.vdsoagent.spring;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Whether a vdso-agent is loaded into this JVM: then it probes and the application does not. */
final class AgentConditions {
    private AgentConditions() {
    }

    static final class AgentLoaded extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return outcome(true);
        }
    }

    static final class NoAgent extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return outcome(false);
        }
    }

    private static ConditionOutcome outcome(boolean wantLoaded) {
        boolean loaded = AgentClockHealth.agentLoaded();
        String message = loaded ? "vdso-agent loaded (" + AgentClockHealth.LOADED_PROPERTY + "="
                + System.getProperty(AgentClockHealth.LOADED_PROPERTY) + ")" : "no vdso-agent loaded";
        return loaded == wantLoaded ? ConditionOutcome.match(message) : ConditionOutcome.noMatch(message);
    }
}
