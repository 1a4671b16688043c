// Creates a 10 GiB volume in the Droplet's region, attaches it and waits. Usage: attach_volume <droplet-id>
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"strconv"
	"time"

	"github.com/digitalocean/godo"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: attach_volume <droplet-id>")
	}
	dropletID, err := strconv.Atoi(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	client := godo.NewFromToken(os.Getenv("DIGITALOCEAN_TOKEN"))
	if url := os.Getenv("DIGITALOCEAN_API_URL"); url != "" {
		if err := godo.SetBaseURL(url)(client); err != nil {
			log.Fatal(err)
		}
	}
	ctx := context.Background()

	droplet, _, err := client.Droplets.Get(ctx, dropletID)
	if err != nil {
		log.Fatal(err)
	}
	volume, _, err := client.Storage.CreateVolume(ctx, &godo.VolumeCreateRequest{
		Name:           "oxido-example-vol",
		Region:         droplet.Region.Slug,
		SizeGigaBytes:  10,
		FilesystemType: "ext4",
		Tags:           []string{"oxido-example"},
	})
	if err != nil {
		log.Fatal(err)
	}
	action, _, err := client.StorageActions.Attach(ctx, volume.ID, dropletID)
	if err != nil {
		log.Fatal(err)
	}
	if err := waitForAction(ctx, client, action.ID); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("volume %s attached to droplet %d by action %d\n", volume.ID, dropletID, action.ID)
}

func waitForAction(ctx context.Context, client *godo.Client, id int) error {
	for {
		action, _, err := client.Actions.Get(ctx, id)
		if err != nil {
			return err
		}
		switch action.Status {
		case godo.ActionCompleted:
			return nil
		case godo.ActionInProgress:
			time.Sleep(time.Second)
		default:
			return fmt.Errorf("action %d is %s", id, action.Status)
		}
	}
}
