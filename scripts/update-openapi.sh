#!/usr/bin/env bash
# Regenerates the admin API's contract after a route or DTO changed, in one go:
#   1. docs/openapi.json, the document the service serves (written by the contract test);
#   2. tests/AdminApiClient/Generated, the Kiota client made from it, and the document's hash beside it;
#   3. lints the document with Redocly CLI.
# Commit the three together with the change. Only the contract tests are built in step 1, so it works
# even while the functional tests still call a client method that the old client lacks.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 KIOTA_CLI_TELEMETRY_OPTOUT=true

dotnet tool restore >/dev/null

CLEANAGENT_UPDATE_OPENAPI=1 dotnet test tests/WebApi.ContractTests \
  --filter "FullyQualifiedName~OpenApiDocumentTests.Served_document_is_the_committed_docs_openapi_json" \
  --nologo --verbosity quiet

dotnet kiota generate --language CSharp --openapi docs/openapi.json \
  --output tests/AdminApiClient/Generated --namespace-name CleanAgent.AdminApiClient --class-name CleanAgentClient \
  --exclude-path "/api/meta-webhook" --exclude-backward-compatible --clean-output --log-level Error
rm -f tests/AdminApiClient/Generated/.kiota.log
sha256sum docs/openapi.json | cut -d' ' -f1 > tests/AdminApiClient/openapi.sha256

bash scripts/lint-openapi.sh
git status --short -- docs/openapi.json tests/AdminApiClient
