// Creates a Kubernetes cluster, waits until it is running, then prints its kubeconfig.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/digitalocean/godo"
)

func main() {
	client := godo.NewFromToken(os.Getenv("DIGITALOCEAN_TOKEN"))
	if url := os.Getenv("DIGITALOCEAN_API_URL"); url != "" {
		if err := godo.SetBaseURL(url)(client); err != nil {
			log.Fatal(err)
		}
	}
	ctx := context.Background()

	cluster, _, err := client.Kubernetes.Create(ctx, &godo.KubernetesClusterCreateRequest{
		Name:        "oxido-example",
		RegionSlug:  "nyc3",
		VersionSlug: "latest",
		Tags:        []string{"oxido-example"},
		NodePools: []*godo.KubernetesNodePoolCreateRequest{
			{Name: "oxido-example-pool", Size: "s-1vcpu-2gb", Count: 1},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for cluster.Status.State != godo.KubernetesClusterStatusRunning {
		if cluster.Status.State == godo.KubernetesClusterStatusError {
			log.Fatalf("cluster %s: %s", cluster.ID, cluster.Status.Message)
		}
		time.Sleep(time.Second)
		cluster, _, err = client.Kubernetes.Get(ctx, cluster.ID)
		if err != nil {
			log.Fatal(err)
		}
	}
	config, _, err := client.Kubernetes.GetKubeConfig(ctx, cluster.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("cluster %s is running\n%s", cluster.ID, config.KubeconfigYAML)
}
