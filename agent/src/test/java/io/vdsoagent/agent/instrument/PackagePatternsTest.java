package io.vdsoagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PackagePatternsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "com.acme         | com.acme.Foo         | true",
        "com.acme         | com.acme.sub.Bar     | true",
        "com.acme.*       | com.acme.Foo         | true",
        "com.acme.        | com.acme.Foo         | true",
        "com.acme         | com.acmex.Foo        | false", // a prefix of a name is not its package
        "com.acme.Foo     | com.acme.Foo         | true",
        "com.acme.Foo     | com.acme.Foo$Inner   | true",
        "com.acme.Foo     | com.acme.FooBar      | false",
        "' org.a , com.b '| com.b.X              | true",
        "''               | com.b.X              | false",
    })
    void matchesPackagesAndClasses(String patterns, String className, boolean expected) {
        assertEquals(expected, PackagePatterns.parse(patterns).matches(className));
    }

    @ParameterizedTest
    @CsvSource({"1024,1024", "1000,1024", "1,1", "0,1", "3,4", "65537,131072"})
    void sampleEveryIsRoundedUpToAPowerOfTwo(int configured, int used) {
        assertEquals(used, InstrumentSettings.powerOfTwoAtLeast(configured));
    }
}
