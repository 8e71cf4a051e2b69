use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    unmentoring::cli::main().await
}
