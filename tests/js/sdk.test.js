// sagetag through the AWS SDK for JavaScript v3 (@aws-sdk/client-sagemaker):
// create → tag → list → delete tags, errors as the SDK types them, a paginator
// and a waiter.
//
// With AWS_ENDPOINT_URL_SAGEMAKER set, the tests use that server: it must
// accept Alice's key below (the credentials file of the Python suite) or run
// in development mode. Without it, they start the real binary ($SAGETAG_BIN,
// else target/debug/sagetag) on port 0 with one-second lifecycle steps, and
// hand its address to the SDK through AWS_ENDPOINT_URL_SAGEMAKER, the variable
// every current AWS SDK reads.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteTagsCommand,
  DescribeEndpointCommand,
  DescribeHyperParameterTuningJobCommand,
  ListTagsCommand,
  ResourceNotFound,
  SageMakerClient,
  paginateListModels,
  waitUntilEndpointInService,
} from "@aws-sdk/client-sagemaker";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const REGION = "us-east-1";
const START_TIMEOUT_MS = 20_000;
const ALICE = {
  accountId: "111111111111",
  accessKeyId: "AKIDALICE00000000001",
  secretAccessKey: "aliceSecret/0000+KeyMaterial0000000001",
};
const BOB = {
  accountId: "222222222222",
  accessKeyId: "AKIDBOB0000000000002",
  secretAccessKey: "bobSecret/00000+KeyMaterial00000000002",
};

const external = Boolean(process.env.AWS_ENDPOINT_URL_SAGEMAKER);
// Names unique to this run, so a shared external server is no obstacle.
const run = randomBytes(3).toString("hex");
let server = null;

before(async () => {
  if (!external) {
    server = await startServer();
    process.env.AWS_ENDPOINT_URL_SAGEMAKER = server.endpoint;
  }
});

after(async () => {
  await server?.stop();
});

/** A client that finds its endpoint the way applications do: from the environment. */
function client(account = ALICE) {
  const { accessKeyId, secretAccessKey } = account;
  return new SageMakerClient({
    region: REGION,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}

// ---- the tests ---------------------------------------------------------------

test("tags are created, added, listed and deleted", async () => {
  const sm = client();
  const name = `churn-${run}`;
  const { ModelArn: arn } = await sm.send(
    new CreateModelCommand({ ModelName: name, Tags: [{ Key: "team", Value: "ml" }] }),
  );
  assert.match(arn, new RegExp(`^arn:aws:sagemaker:${REGION}:\\d{12}:model/${name}$`));
  assert.deepEqual(await tagsOf(sm, arn), [{ Key: "team", Value: "ml" }]);

  const added = await sm.send(
    new AddTagsCommand({
      ResourceArn: arn,
      Tags: [
        { Key: "cost-center", Value: "42" },
        { Key: "team", Value: "ml-platform" },
      ],
    }),
  );
  assert.equal(added.Tags.length, 2, "AddTags answers with the request's tags");
  // An overwrite keeps its place; a new key goes last.
  assert.deepEqual(await tagsOf(sm, arn), [
    { Key: "team", Value: "ml-platform" },
    { Key: "cost-center", Value: "42" },
  ]);

  await sm.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: ["team", "no-such-key"] }));
  assert.deepEqual(await tagsOf(sm, arn), [{ Key: "cost-center", Value: "42" }]);
});

test("a refused tag is a ValidationException with status 400", async () => {
  const sm = client();
  const { ModelArn: arn } = await sm.send(new CreateModelCommand({ ModelName: `v-${run}` }));

  await assert.rejects(
    sm.send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: "aws:reserved", Value: "x" }] })),
    (err) => {
      assert.equal(err.name, "ValidationException");
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(
        err.message,
        "System prefix 'aws:' reserved for AWS usage in tag key: aws:reserved",
      );
      assert.ok(err.$metadata.requestId, "x-amzn-RequestId is read");
      return true;
    },
  );
});

test("tags of a missing resource are a ValidationException", async () => {
  const arn = `arn:aws:sagemaker:${REGION}:${ALICE.accountId}:model/missing-${run}`;
  await assert.rejects(client().send(new ListTagsCommand({ ResourceArn: arn })), {
    name: "ValidationException",
    message: "Resource does not exist.",
  });
});

test("a missing tuning job is the modeled ResourceNotFound", async () => {
  const name = `no-such-job-${run}`;
  await assert.rejects(
    client().send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name })),
    (err) => {
      assert.ok(err instanceof ResourceNotFound, `${err.name} is not ResourceNotFound`);
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(
        err.message,
        `Amazon SageMaker can't find a tuning job called ${name}. Type another name.`,
      );
      return true;
    },
  );
});

test("another account cannot see the tags", { skip: external && "needs two accounts" }, async () => {
  const alice = client(ALICE);
  const { ModelArn: arn } = await alice.send(
    new CreateModelCommand({ ModelName: `private-${run}`, Tags: [{ Key: "owner", Value: "a" }] }),
  );
  await assert.rejects(client(BOB).send(new ListTagsCommand({ ResourceArn: arn })), {
    name: "ValidationException",
  });
  assert.equal((await tagsOf(alice, arn)).length, 1);
});

test("paginateListModels walks every page", async () => {
  const sm = client();
  const names = [];
  for (let i = 0; i < 7; i++) {
    names.push(`paged-${run}-${i}`);
    await sm.send(new CreateModelCommand({ ModelName: names[i] }));
  }

  const pages = [];
  const input = { NameContains: `paged-${run}`, SortBy: "Name", SortOrder: "Ascending" };
  for await (const page of paginateListModels({ client: sm, pageSize: 3 }, input)) {
    pages.push(page);
  }
  assert.equal(pages.length, 3, "7 models, 3 a page");
  assert.deepEqual(
    pages.flatMap((page) => page.Models.map((m) => m.ModelName)),
    names,
  );
  assert.equal(pages.at(-1).NextToken, undefined);
});

test("waitUntilEndpointInService sees the endpoint come up", async () => {
  const sm = client();
  const [model, config, endpoint] = ["m", "c", "e"].map((p) => `${p}-${run}`);
  await sm.send(new CreateModelCommand({ ModelName: model }));
  await sm.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: config,
      ProductionVariants: [
        {
          VariantName: "v",
          ModelName: model,
          InitialInstanceCount: 1,
          InstanceType: "ml.m5.large",
        },
      ],
    }),
  );
  await sm.send(new CreateEndpointCommand({ EndpointName: endpoint, EndpointConfigName: config }));
  const first = await sm.send(new DescribeEndpointCommand({ EndpointName: endpoint }));
  if (!external) {
    assert.equal(first.EndpointStatus, "Creating");
  }

  // SageMaker's model polls every 30 s; the SDK lets a caller shorten that.
  const result = await waitUntilEndpointInService(
    { client: sm, maxWaitTime: 120, minDelay: 1, maxDelay: 2 },
    { EndpointName: endpoint },
  );
  assert.equal(result.state, "SUCCESS");
  assert.equal(result.reason.EndpointStatus, "InService");
});

// ---- helpers -----------------------------------------------------------------

async function tagsOf(sm, arn) {
  return (await sm.send(new ListTagsCommand({ ResourceArn: arn }))).Tags;
}

/** Starts `sagetag serve` in credentials mode; resolves once it prints its address. */
async function startServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sagetag-js-"));
  const credentials = path.join(dir, "credentials.toml");
  fs.writeFileSync(credentials, [ALICE, BOB].map(credentialsTable).join("\n"));
  // Keep the host's AWS settings away from the SDK.
  for (const name of ["config", "credentials"]) {
    fs.writeFileSync(path.join(dir, `aws-${name}`), "");
  }
  process.env.AWS_CONFIG_FILE = path.join(dir, "aws-config");
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, "aws-credentials");

  const bin = process.env.SAGETAG_BIN || path.join(REPO_ROOT, "target", "debug", "sagetag");
  if (!fs.existsSync(bin)) {
    throw new Error(`sagetag binary not found at ${bin}: run \`cargo build -p sagetag\``);
  }
  // The binary reads SAGETAG_* variables as flag defaults; only ours count.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("SAGETAG_")),
  );
  const stderrPath = path.join(dir, "stderr.log");
  const child = spawn(
    bin,
    [
      "serve",
      "--listen", "127.0.0.1:0",
      "--data-dir", path.join(dir, "data"),
      "--credentials", credentials,
      "--lifecycle-seconds", "1",
    ],
    { env, stdio: ["ignore", "pipe", fs.openSync(stderrPath, "w")] },
  );
  const stderr = () => fs.readFileSync(stderrPath, "utf8").slice(-4000);

  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`sagetag printed no ready line in time\n${stderr()}`));
    }, START_TIMEOUT_MS);
    const lines = readline.createInterface({ input: child.stdout });
    const exited = (code) => {
      clearTimeout(timer);
      reject(new Error(`sagetag exited with ${code} before it was ready\n${stderr()}`));
    };
    child.once("exit", exited);
    lines.once("line", (line) => {
      clearTimeout(timer);
      child.off("exit", exited);
      const match = /^sagetag listening on (http:\/\/\S+)$/.exec(line);
      if (match) {
        resolve(match[1]);
      } else {
        reject(new Error(`unexpected first line ${JSON.stringify(line)}`));
      }
    });
  });

  return {
    endpoint,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function credentialsTable({ accessKeyId, secretAccessKey, accountId }) {
  return [
    "[[credentials]]",
    `access_key_id = "${accessKeyId}"`,
    `secret_access_key = "${secretAccessKey}"`,
    `account_id = "${accountId}"`,
    "",
  ].join("\n");
}
