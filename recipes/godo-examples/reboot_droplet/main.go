// Reboots a Droplet and waits for the reboot to finish. Usage: reboot_droplet <droplet-id>
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
		log.Fatal("usage: reboot_droplet <droplet-id>")
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

	action, _, err := client.DropletActions.Reboot(ctx, dropletID)
	if err != nil {
		log.Fatal(err)
	}
	if err := waitForAction(ctx, client, action.ID); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("droplet %d rebooted by action %d\n", dropletID, action.ID)
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
