/**
 * Bad scenarios, one mistake (or one family of mistakes) per fixture, each with the exact
 * `file:line:column: message` lines the loader must print. Paths are relative to the fixture
 * directory; the loader is given `test/fixtures/scenarios/bad/<file>`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, loadScenarioFile } from '../../src/scenario/loader.js';

const DIR = 'test/fixtures/scenarios/bad';

interface BadCase {
  file: string;
  problems: string[];
}

const CASES: BadCase[] = [
  {
    file: "bad-cri-call.yaml",
    problems: [
      "bad-cri-call.yaml:18:19: bad CRI call \"RunPodSandBox\", expected a RuntimeService or ImageService method such as RunPodSandbox or PullImage (did you mean \"RunPodSandbox\"?)",
    ],
  },
  {
    file: "bad-duration.yaml",
    problems: [
      "bad-duration.yaml:18:48: bad duration \"5 min\", expected a duration like 30s, 1m30s or 500ms",
    ],
  },
  {
    file: "bad-machine-state.yaml",
    problems: [
      "bad-machine-state.yaml:18:48: bad state \"READY\" for the sandbox machine, expected one of: SANDBOX_READY, SANDBOX_NOTREADY",
    ],
  },
  {
    file: "bad-phase.yaml",
    problems: [
      "bad-phase.yaml:18:30: bad value \"Runing\" for \"phase\" in the wait step, expected one of: Pending, Running, Succeeded, Failed, Unknown (did you mean \"Running\"?)",
    ],
  },
  {
    file: "delete-before-apply.yaml",
    problems: [
      "delete-before-apply.yaml:17:13: pod \"web\" is deleted before it is applied, expected an \"apply: web\" step earlier",
    ],
  },
  {
    file: "duplicate-container-names.yaml",
    problems: [
      "duplicate-container-names.yaml:18:19: duplicate container name \"setup\" (already used by initContainers[0]), expected unique container names in a pod",
    ],
  },
  {
    file: "duplicate-key.yaml",
    problems: [
      "duplicate-key.yaml:18:39: duplicate key \"phase\", expected each key once in a mapping",
    ],
  },
  {
    file: "duplicate-pod-names.yaml",
    problems: [
      "duplicate-pod-names.yaml:17:25: duplicate pod name \"web\" (already the name of pods[0]), expected each pod to have its own name (set \"name:\" on one of them)",
    ],
  },
  {
    file: "duration-without-unit.yaml",
    problems: [
      "duration-without-unit.yaml:18:14: bad duration 30, expected a duration like 30s, 1m30s or 500ms",
    ],
  },
  {
    file: "empty.yaml",
    problems: [
      "empty.yaml:1:1: the scenario file holds an empty value, expected a mapping with apiVersion, kind, metadata, title, teaches, pods and steps (see docs/scenarios.md)",
    ],
  },
  {
    file: "exit-code-range.yaml",
    problems: [
      "exit-code-range.yaml:18:59: bad value 300 for \"exitCode\" in the crash fault, expected an exit code from 0 to 255",
    ],
  },
  {
    file: "grace-period-static-pod.yaml",
    problems: [
      "grace-period-static-pod.yaml:18:45: gracePeriodSeconds applies only to pods from the api source, expected none for the file pod \"web\" (a static pod stops with its terminationGracePeriodSeconds)",
    ],
  },
  {
    file: "image-typo.yaml",
    problems: [
      "image-typo.yaml:17:39: image \"busybx:1.36\" is not used by any pod, expected one of: busybox:1.36 (did you mean \"busybox:1.36\"?)",
    ],
  },
  {
    file: "ip-outside-cidr.yaml",
    problems: [
      "ip-outside-cidr.yaml:18:29: IP 10.1.0.5 is outside the node's pod CIDR 10.244.0.0/24, expected an address in it, or kept, changed or none",
    ],
  },
  {
    file: "manifest-file-errors.yaml",
    problems: [
      "pods/broken-pod.yaml:9:24: bad value \"IfNotPresnt\" for \"imagePullPolicy\" in spec.containers[0], expected one of: Always, IfNotPresent, Never (did you mean \"IfNotPresent\"?)",
    ],
  },
  {
    file: "manifest-file-missing.yaml",
    problems: [
      "manifest-file-missing.yaml:8:19: cannot read manifestFile \"pods/nope.yaml\" (test/fixtures/scenarios/bad/pods/nope.yaml): no such file, expected a v1 Pod YAML file",
    ],
  },
  {
    file: "manifest-mistakes.yaml",
    problems: [
      "manifest-mistakes.yaml:8:19: bad value \"apps/v1\" for \"apiVersion\" in the manifest, expected v1",
      "manifest-mistakes.yaml:12:24: bad value \"Sometimes\" for \"restartPolicy\" in spec, expected one of: Always, OnFailure, Never",
      "manifest-mistakes.yaml:13:9: unknown key \"contianers\" in spec, expected a field of PodSpec (did you mean \"containers\"?)",
      "manifest-mistakes.yaml:15:13: missing key \"image\" in spec.containers[0], expected a string",
      "manifest-mistakes.yaml:16:28: this probe has no handler, expected one of: exec, httpGet, tcpSocket, grpc",
      "manifest-mistakes.yaml:16:45: bad value 0 for \"periodSeconds\" in spec.containers[0].livenessProbe, expected a number of seconds from 1 to 86400",
      "manifest-mistakes.yaml:17:19: bad container name \"Sidecar\", expected a lowercase RFC 1123 label: a-z, 0-9 and \"-\", starting and ending with a letter or digit, at most 63 characters (e.g. \"web\")",
      "manifest-mistakes.yaml:19:74: this probe has 2 handlers (exec, httpGet), expected exactly one",
    ],
  },
  {
    file: "missing-duration.yaml",
    problems: [
      "missing-duration.yaml:18:29: missing key \"pullTime\" in the imagePullSlow fault, expected a duration like 30s, 1m30s or 500ms",
    ],
  },
  {
    file: "missing-fault-field.yaml",
    problems: [
      "missing-fault-field.yaml:18:21: missing key \"container\" in the crash fault, expected a string",
    ],
  },
  {
    file: "missing-top-level.yaml",
    problems: [
      "missing-top-level.yaml:1:1: missing key \"steps\" in the scenario, expected a list",
      "missing-top-level.yaml:1:1: missing key \"teaches\" in the scenario, expected a string",
    ],
  },
  {
    file: "multiple-documents.yaml",
    problems: [
      "multiple-documents.yaml:8:1: a second YAML document starts here, expected one document per file",
    ],
  },
  {
    file: "negative-duration.yaml",
    problems: [
      "negative-duration.yaml:18:14: bad duration \"-5s\", expected a positive duration like 30s",
    ],
  },
  {
    file: "node-settings.yaml",
    problems: [
      "node-settings.yaml:7:12: bad pod CIDR \"10.244.0.1/24\", expected a network address with the host bits zero, like 10.244.0.0/24",
      "node-settings.yaml:9:20: bad duration \"1 minute\", expected a duration like 30s, 1m30s or 500ms",
      "node-settings.yaml:10:5: unknown key \"fileCheckFrequncy\" in node.kubelet, expected one of: syncFrequency, fileCheckFrequency, httpCheckFrequency, runtimeRequestTimeout, nodeStatusUpdateFrequency, staticPodPath, staticPodURL, clusterDomain, clusterDNS, serializeImagePulls, maxParallelImagePulls, crashLoopBackOff (did you mean \"fileCheckFrequency\"?)",
    ],
  },
  {
    file: "probe-not-defined.yaml",
    problems: [
      "probe-not-defined.yaml:18:61: container \"app\" of pod \"web\" has no livenessProbe, expected a probe the container defines",
    ],
  },
  {
    file: "step-is-a-string.yaml",
    problems: [
      "step-is-a-string.yaml:17:5: wrong type for this step: got the string \"apply web\", expected a mapping whose one key names the step, one of: narrate, apply, update, delete, advance, wait, fault, expect",
    ],
  },
  {
    file: "step-not-indented.yaml",
    problems: [
      "step-not-indented.yaml:19:5: \"pod\" sits beside \"wait\", expected it indented under \"wait:\" (a step has one key)",
      "step-not-indented.yaml:20:5: \"phase\" sits beside \"wait\", expected it indented under \"wait:\" (a step has one key)",
    ],
  },
  {
    file: "tab-indent.yaml",
    problems: [
      "tab-indent.yaml:18:1: a tab is used for indentation, expected spaces",
    ],
  },
  {
    file: "top-level-mistakes.yaml",
    problems: [
      "top-level-mistakes.yaml:1:13: bad value \"crilab.dev/v1\" for \"apiVersion\" in the scenario, expected crilab.dev/v1alpha1",
      "top-level-mistakes.yaml:3:19: bad scenario name \"Top_Level\", expected a lowercase RFC 1123 label: a-z, 0-9 and \"-\", starting and ending with a letter or digit, at most 63 characters (e.g. \"web\")",
      "top-level-mistakes.yaml:4:8: wrong type for \"title\" in the scenario: got the number 42, expected a string",
      "top-level-mistakes.yaml:6:7: bad value 1.5 for \"seed\" in the scenario, expected a whole number from 0",
      "top-level-mistakes.yaml:7:1: unknown key \"setps\" in the scenario, expected one of: apiVersion, kind, metadata, title, teaches, seed, node, registry, pods, steps (did you mean \"steps\"?)",
    ],
  },
  {
    file: "two-actions-one-step.yaml",
    problems: [
      "two-actions-one-step.yaml:18:5: a step names one action, found \"apply\" and \"advance\", expected each as its own step (a separate \"- \" item)",
    ],
  },
  {
    file: "unknown-container.yaml",
    problems: [
      "unknown-container.yaml:18:34: unknown container \"ap\" in pod \"web\", expected one of: app (did you mean \"app\"?)",
    ],
  },
  {
    file: "unknown-fault.yaml",
    problems: [
      "unknown-fault.yaml:18:14: unknown fault \"crashh\", expected one of: crash, oomKill, killPause, cniAddFails, imagePullFails, imagePullSlow, runtimeStop, runtimeStart, runtimeRestart, kubeletStop, kubeletStart, kubeletRestart, probeFails (did you mean \"crash\"?)",
    ],
  },
  {
    file: "unknown-key-in-step.yaml",
    problems: [
      "unknown-key-in-step.yaml:18:39: unknown key \"timout\" in the wait step, expected one of: pod, phase, ready, timeout (did you mean \"timeout\"?)",
    ],
  },
  {
    file: "unknown-pod.yaml",
    problems: [
      "unknown-pod.yaml:17:12: unknown pod \"wbe\", expected one of the pods defined under \"pods:\": web (did you mean \"web\"?)",
    ],
  },
  {
    file: "unknown-step.yaml",
    problems: [
      "unknown-step.yaml:18:5: unknown step \"waitt\", expected one of: narrate, apply, update, delete, advance, wait, fault, expect (did you mean \"wait\"?)",
    ],
  },
  {
    file: "update-renames-pod.yaml",
    problems: [
      "update-renames-pod.yaml:20:27: the update renames pod \"web\" from default/web to default/web2, expected the same namespace/name (apply a new pod instead)",
    ],
  },
  {
    file: "wrong-type.yaml",
    problems: [
      "wrong-type.yaml:18:32: wrong type for \"ready\" in the expect step: got the string \"yes\", expected true or false",
    ],
  },
  {
    file: "yaml-unclosed-flow-map.yaml",
    problems: [
      "yaml-unclosed-flow-map.yaml:19:1: bad YAML: flow map in block collection must be sufficiently indented and end with a }",
    ],
  },];

describe('bad scenarios are rejected with file:line:column messages', () => {
  it('covers at least 20 bad scenarios', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(CASES)('$file', async ({ file, problems }) => {
    const result = await loadScenarioFile(join(DIR, file));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.problems.map((p) => formatProblem(p));
    expect(lines).toEqual(problems.map((p) => join(DIR, p)));
  });
});
