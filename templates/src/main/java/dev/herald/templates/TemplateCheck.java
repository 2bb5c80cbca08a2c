package dev.herald.templates;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** The entry point of {@code herald templates check}: run the checks, print each problem, exit 1 on any. */
public final class TemplateCheck {

    private TemplateCheck() {
    }

    /** Every problem in {@code templatesDir}; see {@link TemplateChecker}. */
    public static List<TemplateProblem> run(Path templatesDir) {
        return TemplateChecker.check(templatesDir);
    }

    /** Prints one line per problem (or a summary when there is none) and returns the process exit code. */
    public static int report(List<TemplateProblem> problems, Path templatesDir, PrintStream out, PrintStream err) {
        if (problems.isEmpty()) {
            out.println("templates OK: " + templatesDir);
            return 0;
        }
        problems.forEach(err::println);
        err.println(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in " + templatesDir);
        return 1;
    }
}
