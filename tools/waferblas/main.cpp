// tools/waferblas/main.cpp — the `waferblas` command-line tool.
//
//   waferblas model spmv --stencil 7pt --dims 750x994x740 --machine wse2
//   waferblas model cg matrix.mtx --machine wse3 --iterations 100 --json
//   waferblas version
//
// Exit codes: 0 success (and --help, --version); 1 the work failed (waferblas::error, a missing or
// malformed file, ...); 2 the command line is wrong (CLI11's parse errors and usage_error). Every
// error is one line on stderr: `waferblas: error: ...`.
#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include <waferblas/core/error.hpp>
#include <waferblas/version.hpp>

#include "model_command.hpp"
#include "usage_error.hpp"

namespace {

int report_error(const std::string& message, int code, const std::string& hint = {}) {
    std::cerr << "waferblas: error: " << message << '\n';
    if (!hint.empty()) std::cerr << hint << '\n';
    return code;
}

} // namespace

int main(int argc, char** argv) {
    using namespace waferblas::cli;
    CLI::App app{"waferblas: sparse dataflow linear algebra on wafer-scale machines", "waferblas"};
    app.set_version_flag("--version", std::string("waferblas ") + waferblas::version_string);
    app.require_subcommand(1);
    app.footer("Run 'waferblas <command> --help' for the options of a command.");

    model_options model;
    CLI::App* model_cmd = add_model_command(app, model);
    CLI::App* version_cmd = app.add_subcommand("version", "Print the version");

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) { // --help, --help-all, --version
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        const std::string hint = model_cmd->parsed() ? "Run 'waferblas model --help' for usage."
                                                     : "Run 'waferblas --help' for usage.";
        return report_error(e.what(), exit_usage, hint);
    }

    try {
        if (version_cmd->parsed()) {
            std::cout << "waferblas " << waferblas::version_string << '\n';
            return exit_success;
        }
        return run_model_command(model, std::cout);
    } catch (const usage_error& e) {
        return report_error(e.what(), exit_usage, "Run 'waferblas model --help' for usage.");
    } catch (const waferblas::error& e) {
        return report_error(e.what(), exit_failure);
    } catch (const std::exception& e) {
        return report_error(e.what(), exit_failure);
    }
}
