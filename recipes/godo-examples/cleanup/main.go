// Deletes what the other examples made: the Droplets by tag, the rest by name.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/digitalocean/godo"
)

const name = "oxido-example"

func main() {
	client := godo.NewFromToken(os.Getenv("DIGITALOCEAN_TOKEN"))
	if url := os.Getenv("DIGITALOCEAN_API_URL"); url != "" {
		if err := godo.SetBaseURL(url)(client); err != nil {
			log.Fatal(err)
		}
	}
	ctx := context.Background()
	opt := &godo.ListOptions{PerPage: 200}

	if _, err := client.Droplets.DeleteByTag(ctx, name); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("deleted the droplets tagged %s\n", name)
	volumes, _, err := client.Storage.ListVolumes(ctx, &godo.ListVolumeParams{Name: name + "-vol", ListOptions: opt})
	if err != nil {
		log.Fatal(err)
	}
	for _, v := range volumes {
		if _, err := client.Storage.DeleteVolume(ctx, v.ID); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("deleted volume %s\n", v.ID)
	}
	snapshots, _, err := client.Snapshots.ListDroplet(ctx, opt)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range snapshots {
		if s.Name == name+"-snapshot" {
			if _, err := client.Snapshots.Delete(ctx, s.ID); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("deleted snapshot %s\n", s.ID)
		}
	}
	if _, err := client.Domains.Delete(ctx, name+".com"); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("deleted domain %s.com\n", name)
	firewalls, _, err := client.Firewalls.List(ctx, opt)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range firewalls {
		if f.Name == name {
			if _, err := client.Firewalls.Delete(ctx, f.ID); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("deleted firewall %s\n", f.ID)
		}
	}
	balancers, _, err := client.LoadBalancers.List(ctx, opt)
	if err != nil {
		log.Fatal(err)
	}
	for _, lb := range balancers {
		if lb.Name == name {
			if _, err := client.LoadBalancers.Delete(ctx, lb.ID); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("deleted load balancer %s\n", lb.ID)
		}
	}
	clusters, _, err := client.Kubernetes.List(ctx, opt)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range clusters {
		if c.Name == name {
			if _, err := client.Kubernetes.Delete(ctx, c.ID); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("deleted kubernetes cluster %s\n", c.ID)
		}
	}
	databases, _, err := client.Databases.List(ctx, opt)
	if err != nil {
		log.Fatal(err)
	}
	for _, db := range databases {
		if db.Name == name {
			if _, err := client.Databases.Delete(ctx, db.ID); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("deleted database cluster %s\n", db.ID)
		}
	}
	projects, _, err := client.Projects.List(ctx, opt)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range projects {
		if p.Name == name {
			if _, err := client.Projects.Delete(ctx, p.ID); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("deleted project %s\n", p.ID)
		}
	}
	keys, _, err := client.Keys.List(ctx, opt)
	if err != nil {
		log.Fatal(err)
	}
	for _, k := range keys {
		if k.Name == name {
			if _, err := client.Keys.DeleteByID(ctx, k.ID); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("deleted ssh key %d\n", k.ID)
		}
	}
}
