const firebaseConfig = {
  apiKey: "AIzab5WjIWCe65lVt0_smfWF99GqZKhC8yqnjK9",
  authDomain: "app-5.firebaseapp.com",
  projectId: "app-5",
};
