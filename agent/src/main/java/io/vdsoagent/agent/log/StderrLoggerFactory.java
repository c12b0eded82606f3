package io.vdsoagent.agent.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

final class StderrLoggerFactory implements ILoggerFactory {
    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<String, Logger>();

    @Override
    public Logger getLogger(String name) {
        Logger logger = loggers.get(name);
        if (logger == null) {
            Logger created = new StderrLogger(name);
            logger = loggers.putIfAbsent(name, created);
            if (logger == null) {
                logger = created;
            }
        }
        return logger;
    }
}
