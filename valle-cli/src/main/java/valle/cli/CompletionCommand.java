package valle.cli;

import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code valle completion}: the bash completion script of every command and option, generated from the command
 * model, so it cannot drift from the commands. zsh runs it too (the script loads zsh's bashcompinit).
 */
@Command(name = "completion",
        description = {"Print a bash/zsh completion script for valle's commands and options.",
            "Load it in the current shell with: source <(./valle completion)"},
        footer = {"  source <(./valle completion)       # this shell (bash or zsh)",
            "  ./valle completion > ~/.local/share/bash-completion/completions/valle"})
final class CompletionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(AutoComplete.bash("valle", spec.root().commandLine()));
        out.flush();
    }
}
