package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// globalOptions are the flags every command shares, and the process's streams.
type globalOptions struct {
	DB       string
	Quiet    bool
	Verbose  bool
	Profiles profiles

	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	Log    *slog.Logger
}

// logger returns the process logger, or a silent one before the root
// command set it up (tests build globalOptions directly).
func (g *globalOptions) logger() *slog.Logger {
	if g.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return g.Log
}

// stderrIsTerminal says whether progress output should be drawn.
func (g *globalOptions) stderrIsTerminal() bool {
	if g.Quiet {
		return false
	}
	f, ok := g.ErrOut.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// subcommands are added by each command's file, one file per command.
var subcommands []func(*globalOptions) *cobra.Command

func register(f func(*globalOptions) *cobra.Command) { subcommands = append(subcommands, f) }

func newRootCmd(g *globalOptions) *cobra.Command {
	var setupErr error // a completion that could not be registered: every command fails with it
	root := &cobra.Command{
		Use:   "ubo",
		Short: "Beneficial-ownership graph analyzer: does ownership or control reach a Chinese parent?",
		Long: `ubo loads corporate-registry data (GLEIF, UK PSC, BODS, FollowTheMoney, ICIJ, generic CSV)
into Neo4j or an embedded file store and answers, for every entity, whether ownership or control
reaches a Chinese parent — directly, through chains of subsidiaries, or through joint ventures —
and with what evidence.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if setupErr != nil {
				return setupErr
			}
			level := slog.LevelInfo
			switch {
			case g.Quiet && g.Verbose:
				return usagef("--quiet and --verbose exclude each other")
			case g.Quiet:
				level = slog.LevelError
			case g.Verbose:
				level = slog.LevelDebug
			}
			g.Log = slog.New(slog.NewTextHandler(g.ErrOut, &slog.HandlerOptions{Level: level}))
			if !cmd.Flags().Changed("db") {
				g.DB = defaultDB()
			}
			if err := g.Profiles.start(); err != nil {
				return err
			}
			return nil
		},
	}
	root.SetIn(g.In)
	root.SetOut(g.Out)
	root.SetErr(g.ErrOut)
	root.PersistentFlags().StringVar(&g.DB, "db", "",
		"store: a neo4j://, neo4j+s:// or bolt:// URI, or the path of the embedded store\n(default $UBO_DB, else $NEO4J_URI, else ubo.db); only ingest, db init and demo\ncreate a missing embedded store")
	root.PersistentFlags().BoolVarP(&g.Quiet, "quiet", "q", false, "print errors only; no progress")
	root.PersistentFlags().BoolVarP(&g.Verbose, "verbose", "v", false, "print debug logs")
	root.PersistentFlags().StringVar(&g.Profiles.cpuPath, "cpuprofile", "", "write a CPU profile of the command to `FILE` (for 'go tool pprof')")
	root.PersistentFlags().StringVar(&g.Profiles.memPath, "memprofile", "", "write a heap profile at the end of the command to `FILE`")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return flagError(err) })
	root.SetVersionTemplate("ubo {{.Version}}\n")
	for _, f := range subcommands {
		root.AddCommand(f(g))
	}
	addExitStatus(root)
	setupErr = addCompletions(root)
	return root
}

// addExitStatus appends the exit codes to every command's help.
func addExitStatus(c *cobra.Command) {
	c.SetUsageTemplate(c.UsageTemplate() + "\n" + exitStatusHelp + "\n\nENVIRONMENT\n" + environmentHelp + "\n")
}

const environmentHelp = `  UBO_DB          store location when --db is not given
  NEO4J_URI       Neo4j URI used when neither --db nor UBO_DB is given
  NEO4J_USERNAME  Neo4j user (default neo4j)
  NEO4J_PASSWORD  Neo4j password (never logged)
  NEO4J_DATABASE  Neo4j database name (default neo4j)`

// defaultDB applies the precedence --db > UBO_DB > NEO4J_URI > ubo.db.
func defaultDB() string {
	if v := os.Getenv("UBO_DB"); v != "" {
		return v
	}
	if v := os.Getenv("NEO4J_URI"); v != "" {
		return v
	}
	return "ubo.db"
}

// exactArgs and friends turn cobra's argument checks into usage errors.
func argsChecked(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

func run(args []string, in io.Reader, out, errOut io.Writer) int {
	ctx, stop := interruptContext(context.Background())
	defer stop()
	return runContext(ctx, args, in, out, errOut)
}

// interruptContext is ctx cancelled, with an interruptedError as its cause,
// on SIGINT (Ctrl-C) or SIGTERM.
func interruptContext(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			cancel(interruptedError{signal: s})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// runContext runs the command line under ctx. When ctx was interrupted,
// whatever error the command returned (a context error, or a store's own
// wording of it, such as SQLite's "interrupted") becomes the interruption:
// the message is "interrupted" and the exit code 128+signal.
func runContext(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	g := &globalOptions{In: in, Out: out, ErrOut: errOut,
		Log: slog.New(slog.NewTextHandler(errOut, nil))}
	root := newRootCmd(g)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if perr := g.Profiles.stop(); err == nil {
		err = perr
	}
	if err != nil && strings.HasPrefix(err.Error(), "unknown command") {
		err = usageError{err}
	}
	var ie interruptedError
	if err != nil && errors.As(context.Cause(ctx), &ie) {
		err = ie
	}
	if err != nil {
		fmt.Fprintln(errOut, "ubo:", err)
	}
	return exitCode(err)
}
